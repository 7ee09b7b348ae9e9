package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/tools/internal/anonymize"
	"github.com/vendorctl/vendorctl/tools/internal/proxy"
	"github.com/vendorctl/vendorctl/tools/internal/record"
)

// recordFlags are proxy's recording flags.
type recordFlags struct {
	dir      *string
	keep     *bool
	key      *string
	interval *time.Duration
}

func defineRecordFlags(fs *flag.FlagSet) recordFlags {
	return recordFlags{
		dir:      fs.String("record", "", "write every answer that conforms to the spec as fixtures under DIR/<api>/ (the layout serve --fixtures DIR reads), personal data replaced"),
		keep:     fs.Bool("keep-personal-data", false, "with --record: keep personal data as the upstream sent it (a warning is printed)"),
		key:      fs.String("anonymize-key", os.Getenv("VENDORCTL_ANONYMIZE_KEY"), "with --record: the key of the replacement, so that recordings made with one key map alike (env VENDORCTL_ANONYMIZE_KEY; default: a random key per recording)"),
		interval: fs.Duration("record-interval", 5*time.Second, "with --record: how often the files are written while recording (always on shutdown)"),
	}
}

// check refuses recording flags without --record (a key from the environment alone is no mistake),
// and a key with --keep-personal-data.
func (f recordFlags) check(cmd *command) error {
	given := map[string]bool{}
	cmd.fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	switch {
	case *f.dir == "" && (given["keep-personal-data"] || given["anonymize-key"] || given["record-interval"]):
		return cmd.usageErrorf("--keep-personal-data, --anonymize-key and --record-interval need --record DIR")
	case *f.dir == "":
		return nil
	case *f.keep && given["anonymize-key"]:
		return cmd.usageErrorf("--anonymize-key replaces personal data, --keep-personal-data keeps it: give one")
	case *f.interval <= 0:
		return cmd.usageErrorf("--record-interval %s: want a positive duration", *f.interval)
	}
	return nil
}

// recorder builds the recorder of --record (nil without it); with --keep-personal-data it warns on
// stderr.
func (f recordFlags) recorder(api string, stderr io.Writer) (*record.Recorder, error) {
	if *f.dir == "" {
		return nil, nil
	}
	cfg := record.Config{API: api, Dir: *f.dir}
	switch {
	case *f.keep: // a key from the environment is not used
		fmt.Fprintf(stderr, "warning: --keep-personal-data: %s holds the upstream's personal data as it was sent; keep it out of repositories\n",
			filepath.Join(*f.dir, api))
	case *f.key != "":
		cfg.Mapper = anonymize.New([]byte(*f.key), record.Country(api))
	default:
		m, err := anonymize.NewRandom(record.Country(api))
		if err != nil {
			return nil, err
		}
		cfg.Mapper = m
	}
	rec, err := record.New(cfg)
	if err != nil {
		return nil, usageErrorf("--record: %v", err)
	}
	return rec, nil
}

// observer is the proxy's Observe for rec (nil without a recording).
func observer(rec *record.Recorder) func(proxy.Exchange) {
	if rec == nil {
		return nil
	}
	return rec.Observe
}

// around runs serve; with a recording, the files are written every --record-interval meanwhile and
// a last time after serve returns.
func (f recordFlags) around(ctx context.Context, rec *record.Recorder, api string, logger *slog.Logger, stderr io.Writer, serve func() error) error {
	if rec == nil {
		return serve()
	}
	writeCtx, stopWriting := context.WithCancel(ctx)
	go keepWriting(writeCtx, rec, *f.interval, logger)
	err := serve()
	stopWriting()
	if err != nil {
		return err
	}
	return finishRecording(rec, *f.dir, api, stderr)
}

// keepWriting writes the recording every interval until ctx ends; each failure is logged.
func keepWriting(ctx context.Context, rec *record.Recorder, every time.Duration, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := rec.Flush(); err != nil {
				logger.Error("write recording", "err", err)
			}
		}
	}
}

// finishRecording writes the recording a last time and says on stderr what it holds and which
// answers it left out.
func finishRecording(rec *record.Recorder, dir, api string, stderr io.Writer) error {
	if err := rec.Flush(); err != nil {
		return err
	}
	counts := rec.Count()
	for _, name := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(stderr, "recorded %d %s in %s\n", counts[name], name, filepath.Join(dir, api))
	}
	skipped := rec.Skipped()
	for _, op := range slices.Sorted(maps.Keys(skipped)) {
		fmt.Fprintf(stderr, "not recorded: %d answers to %s (off the spec, or a record without its identity)\n", skipped[op], op)
	}
	return nil
}

// journalConfig is serve's journal: with anonymize, personal data is replaced under key (a random
// one when key is empty). --anonymize-key given without --journal-anonymize is a usage error (a key
// from the environment alone is no mistake).
func journalConfig(cmd *command, size int, bodies, anonymize bool, key string) (mockserver.JournalConfig, error) {
	cfg := mockserver.JournalConfig{Size: size, NoBodies: !bodies}
	given := false
	cmd.fs.Visit(func(fl *flag.Flag) { given = given || fl.Name == "anonymize-key" })
	if given && !anonymize {
		return cfg, cmd.usageErrorf("--anonymize-key needs --journal-anonymize")
	}
	if !anonymize {
		return cfg, nil
	}
	var k []byte
	if key != "" {
		k = []byte(key)
	}
	j, err := record.NewJournal(k)
	if err != nil {
		return cfg, err
	}
	cfg.Anonymize = j
	return cfg, nil
}
