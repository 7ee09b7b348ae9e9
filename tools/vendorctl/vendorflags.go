package main

import (
	"flag"
	"os"
	"strconv"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
)

// vendorFlags registers a flag for every setting of the descriptors, typed by the setting's kind,
// with its environment variable in the help text. Its result reads them back after parsing.
func vendorFlags(fs *flag.FlagSet, descs []mockkit.Descriptor) func() map[string]string {
	var flags []string
	for _, d := range descs {
		for _, s := range d.Settings {
			usage := s.Usage
			if s.Env != "" {
				usage += " (env " + s.Env + ")"
			}
			addSettingFlag(fs, s, usage)
			flags = append(flags, s.Flag)
		}
	}
	return func() map[string]string {
		values := make(map[string]string, len(flags))
		for _, name := range flags {
			values[name] = fs.Lookup(name).Value.String()
		}
		return values
	}
}

// addSettingFlag registers one setting as a flag of its kind; a default that does not read leaves
// the kind's zero, and the setting's check at construction names it.
func addSettingFlag(fs *flag.FlagSet, s mockkit.Setting, usage string) {
	switch s.Kind {
	case mockkit.KindDuration:
		d, _ := time.ParseDuration(s.Default)
		fs.Duration(s.Flag, d, usage)
	case mockkit.KindRate:
		r, _ := strconv.ParseFloat(s.Default, 64)
		fs.Float64(s.Flag, r, usage)
	default:
		fs.String(s.Flag, s.Default, usage)
	}
}

// setFromEnv sets each flag of envs (flag name to variable) whose variable is set and not empty.
func setFromEnv(fs *flag.FlagSet, envs map[string]string) error {
	for name, env := range envs {
		if v, ok := os.LookupEnv(env); ok && v != "" {
			if err := fs.Set(name, v); err != nil {
				return usageErrorf("%s=%q: %v", env, v, err)
			}
		}
	}
	return nil
}

// settingEnvs maps every setting's flag to its environment variable.
func settingEnvs(descs []mockkit.Descriptor) map[string]string {
	envs := map[string]string{}
	for _, d := range descs {
		for _, s := range d.Settings {
			if s.Env != "" {
				envs[s.Flag] = s.Env
			}
		}
	}
	return envs
}
