package mockkit_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
)

func TestConfigureReadsEachKind(t *testing.T) {
	d := mockkit.Descriptor{Settings: []mockkit.Setting{
		{Flag: "x-key", Default: "k"},
		{Flag: "x-ttl", Default: "1h", Kind: mockkit.KindDuration},
		{Flag: "x-rate", Default: "0", Kind: mockkit.KindRate},
	}}
	c, err := d.Configure(map[string]string{"x-rate": "1.5"})
	if err != nil {
		t.Fatal(err)
	}
	if c.String("x-key") != "k" || c.Duration("x-ttl") != time.Hour || c.Rate("x-rate") != 1.5 || c.String("other") != "" {
		t.Errorf("configured %q %s %g", c.String("x-key"), c.Duration("x-ttl"), c.Rate("x-rate"))
	}
	for flag, value := range map[string]string{"x-ttl": "-1s", "x-rate": "NaN"} {
		_, err := d.Configure(map[string]string{flag: value})
		var se *mockkit.SettingError
		if !errors.As(err, &se) || se.Flag != flag || se.Value != value {
			t.Errorf("%s=%s: err %v, want a SettingError for the flag", flag, value, err)
		}
	}
}

func TestCheckRateIsTheOneRule(t *testing.T) {
	for _, r := range []float64{0, 0.001, 50} {
		if err := mockkit.CheckRate(r); err != nil {
			t.Errorf("CheckRate(%g) = %v", r, err)
		}
	}
	for _, r := range []float64{-1, math.NaN(), math.Inf(1)} {
		if err := mockkit.CheckRate(r); !errors.Is(err, mockkit.ErrRate) {
			t.Errorf("CheckRate(%g) = %v, want ErrRate", r, err)
		}
	}
}
