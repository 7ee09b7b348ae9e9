package main

import (
	"crypto/rand"
	"encoding/binary"
	"flag"
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// flagGiven reports whether the flag name was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// randomSeed is the seed of a run without --seed.
func randomSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:]) >> 1 // printable as a positive int64 as well
}

// isTerminal reports whether w is a terminal (progress bars then replace plain lines).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
