package anonymize

import "regexp"

func matches(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }
