package clientkit_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// The request bodies a client takes are struct types of the client package, not aliases of the
// generated package's, so that `go doc <client> <Type>` shows their fields.
func TestRequestBodiesAreClientStructs(t *testing.T) {
	for dir, names := range map[string][]string{
		"timewave":     {"ClientCreate", "ClientUpdate", "AddressInput", "ReferenceCreate", "ReferenceUpdate"},
		"mediaconnect": {"CustomerInfoChange"},
	} {
		fset := token.NewFileSet()
		pkg, err := doc.NewFromFiles(fset, parseDir(t, fset, filepath.Join("..", dir)), "github.com/vendorctl/vendorctl/clients/"+dir)
		if err != nil {
			t.Fatal(err)
		}
		types := map[string]*doc.Type{}
		for _, ty := range pkg.Types {
			types[ty.Name] = ty
		}
		for _, name := range names {
			ty, ok := types[name]
			if !ok {
				t.Errorf("%s has no type %s", dir, name)
				continue
			}
			spec := ty.Decl.Specs[0].(*ast.TypeSpec)
			if _, isStruct := spec.Type.(*ast.StructType); spec.Assign.IsValid() || !isStruct {
				t.Errorf("%s.%s is not a struct type of the package (go doc would show no fields)", dir, name)
			}
		}
	}
}

func parseDir(t *testing.T, fset *token.FileSet, dir string) []*ast.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range paths {
		if !strings.HasSuffix(p, "_test.go") {
			f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
	}
	return files
}
