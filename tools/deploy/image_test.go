package deploy

import (
	"archive/tar"
	"debug/elf"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// imageConfig is the part of `podman image inspect` the test reads.
type imageConfig struct {
	Os     string
	Config struct {
		User         string
		ExposedPorts map[string]struct{}
		Entrypoint   []string
		Cmd          []string
	}
}

// buildImage runs `make image` into a temporary folder and returns the image's id.
func buildImage(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("podman"); err != nil {
		t.Fatal("podman is not installed: run `make deps-podman` (make test does)")
	}
	dir := t.TempDir()
	cmd := exec.Command("make", "--no-print-directory", "image", "IMAGE=localhost/vendorctl:test", "IMAGE_DIR="+dir)
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make image: %v\n%s", err, out)
	}
	id, err := os.ReadFile(filepath.Join(dir, "id"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(id))
}

func inspectImage(t *testing.T, id string) imageConfig {
	t.Helper()
	out, err := exec.Command("podman", "image", "inspect", id).Output()
	var cfg []imageConfig
	if err != nil || json.Unmarshal(out, &cfg) != nil || len(cfg) != 1 {
		t.Fatalf("podman image inspect %s: %v %s", id, err, out)
	}
	return cfg[0]
}

// layerFiles saves the image as a docker archive and returns the files of its layers by path, each
// regular file written into dir.
func layerFiles(t *testing.T, id, dir string) map[string]*tar.Header {
	t.Helper()
	archive := filepath.Join(dir, "image.tar")
	if out, err := exec.Command("podman", "save", "--quiet", "--format", "docker-archive", "-o", archive, id).CombinedOutput(); err != nil {
		t.Fatalf("podman save: %v\n%s", err, out)
	}
	var manifest []struct{ Layers []string }
	if err := json.Unmarshal(archiveMember(t, archive, "manifest.json"), &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("manifest.json of the saved image: %v", err)
	}
	files := map[string]*tar.Header{}
	for _, layer := range manifest[0].Layers {
		layerPath := filepath.Join(dir, "layer.tar")
		if err := os.WriteFile(layerPath, archiveMember(t, archive, layer), 0o600); err != nil {
			t.Fatal(err)
		}
		extractLayer(t, layerPath, dir, files)
	}
	return files
}

// eachEntry calls fn with every entry of the tar file name, until fn returns false.
func eachEntry(t *testing.T, name string, fn func(h *tar.Header, r io.Reader) bool) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !fn(h, tr) {
			return
		}
	}
}

// archiveMember is the content of the member name of the tar file archive.
func archiveMember(t *testing.T, archive, name string) []byte {
	t.Helper()
	var data []byte
	var err error
	eachEntry(t, archive, func(h *tar.Header, r io.Reader) bool {
		if h.Name == name {
			data, err = io.ReadAll(r)
			return false
		}
		return true
	})
	if data == nil || err != nil {
		t.Fatalf("%s in %s: missing or unreadable (%v)", name, archive, err)
	}
	return data
}

// extractLayer records every entry of a layer in files and writes its regular files into dir (flat).
func extractLayer(t *testing.T, layer, dir string, files map[string]*tar.Header) {
	t.Helper()
	eachEntry(t, layer, func(h *tar.Header, r io.Reader) bool {
		name := path.Clean("/" + h.Name)
		files[name] = h
		if h.Typeflag != tar.TypeReg {
			return true
		}
		out, err := os.OpenFile(filepath.Join(dir, path.Base(name)), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o755|0o200)
		if err == nil {
			_, err = io.Copy(out, r)
			err = errors.Join(err, out.Close())
		}
		if err != nil {
			t.Fatal(err)
		}
		return true
	})
}

// checkConfig holds the image to its contract: a numeric non-root user, port 8080, serve on
// 0.0.0.0:8080 as the entrypoint, and nothing in the layers but the binary (no shell).
func checkConfig(t *testing.T, cfg imageConfig, files map[string]*tar.Header) {
	t.Helper()
	uid, _, _ := strings.Cut(cfg.Config.User, ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		t.Errorf("image user %q: want a numeric non-root uid", cfg.Config.User)
	}
	if _, ok := cfg.Config.ExposedPorts["8080/tcp"]; !ok || len(cfg.Config.ExposedPorts) != 1 {
		t.Errorf("exposed ports %v, want 8080/tcp", cfg.Config.ExposedPorts)
	}
	if want := []string{"/vendorctl", "serve", "--addr", "0.0.0.0:8080"}; !slices.Equal(cfg.Config.Entrypoint, want) || cfg.Os != "linux" {
		t.Errorf("entrypoint %q (%s), want %q", cfg.Config.Entrypoint, cfg.Os, want)
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	if h := files["/vendorctl"]; len(files) != 1 || h == nil || h.Typeflag != tar.TypeReg || h.Mode&0o111 == 0 || h.Mode&0o022 != 0 {
		t.Errorf("layers hold %v, want only an executable /vendorctl that its user cannot change (no shell)", names)
	}
}

// The image of tools/deploy/Containerfile, built by `make image`: its config (user, port, entrypoint)
// and its one layer, whose binary is static and runs with the image's own arguments: it refuses to
// start without VENDORCTL_ADMIN_TOKEN, and with it answers health for any Host and guards the admin API
// with the token, printing it nowhere.
func TestImage(t *testing.T) {
	id := buildImage(t)
	dir := t.TempDir()
	cfg, files := inspectImage(t, id), layerFiles(t, id, dir)
	checkConfig(t, cfg, files)
	bin := filepath.Join(dir, "vendorctl")
	checkStatic(t, bin)
	args := append(slices.Clone(cfg.Config.Entrypoint[1:]), cfg.Config.Cmd...)

	refused := exec.Command(bin, args...)
	refused.Env = []string{}
	out, err := refused.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "VENDORCTL_ADMIN_TOKEN") {
		t.Errorf("the image's command without a token: %v %s, want exit 2 naming VENDORCTL_ADMIN_TOKEN", err, out)
	}

	const token = "img-s3cr3t-7"
	addr := freeAddr(t) // the image's 0.0.0.0:8080 replaced by loopback: a later --addr wins
	p := start(t, []string{"VENDORCTL_ADMIN_TOKEN=" + token}, bin, append(args, "--addr", addr)...)
	waitHealth(t, p, "http://"+addr)
	checkGuard(t, addr, token)
	if err := p.stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	if strings.Contains(p.output(), token) {
		t.Error("the image's serve printed the admin token")
	}
}

// checkStatic fails unless bin is an ELF executable without an interpreter (statically linked).
func checkStatic(t *testing.T, bin string) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("the image's vendorctl: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the image's vendorctl is dynamically linked (it has an ELF interpreter)")
		}
	}
}

// checkGuard: health answers for a Host that is not loopback (--public-host *), the admin API only
// with the token.
func checkGuard(t *testing.T, addr, token string) {
	t.Helper()
	for _, c := range []struct {
		path, host, token string
		want              int
	}{
		{"/__admin/health", "mocks.internal:8080", "", http.StatusOK},
		{"/__admin/requests", "mocks.internal:8080", "", http.StatusUnauthorized},
		{"/__admin/requests", "mocks.internal:8080", token, http.StatusOK},
	} {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+c.path, nil)
		req.Host = c.host
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s for Host %s (token %v): %d, want %d", c.path, c.host, c.token != "", resp.StatusCode, c.want)
		}
	}
}
