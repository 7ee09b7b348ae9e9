package deploy

import (
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// client is the HTTP client of every test here: enough idle connections for the parallel sessions.
var client = &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// buildVendorctl builds a static vendorctl (as the image has it) into a temporary folder.
func buildVendorctl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vendorctl")
	cmd := exec.Command("go", "build", "-o", bin, "./tools/vendorctl")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build vendorctl: %v\n%s", err, out)
	}
	return bin
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// process is a command the test started; it is stopped in t.Cleanup at the latest.
type process struct {
	name string
	cmd  *exec.Cmd
	log  string // the file that holds its stdout and stderr
	done chan struct{}
	err  error
}

// start runs name with args and env (added to the test's environment).
func start(t *testing.T, env []string, name string, args ...string) *process {
	t.Helper()
	p := &process{name: filepath.Base(name), cmd: exec.Command(name, args...), done: make(chan struct{})}
	log, err := os.CreateTemp(t.TempDir(), p.name+"-*.log")
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close() // the child has its own descriptor
	p.log = log.Name()
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = log, log
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("output of %s %v:\n%s", p.name, args, p.output())
		}
	})
	return p
}

// output is what p has written to stdout and stderr so far.
func (p *process) output() string {
	data, _ := os.ReadFile(p.log)
	return string(data)
}

// stop sends SIGTERM and waits for the exit (SIGKILL after 10 s).
func (p *process) stop() error {
	select {
	case <-p.done:
		return p.err
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
		return errors.New(p.name + " did not stop on SIGTERM")
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) && exit.ExitCode() == -1 { // ended by the signal, as asked
		return nil
	}
	return p.err
}

// waitHealth polls base's /__admin/health until it answers 200; fails after 20 s or when p exits.
func waitHealth(t *testing.T, p *process, base string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("%s exited before %s/__admin/health answered: %v\n%s", p.name, base, p.err, p.output())
		default:
		}
		if resp, err := client.Get(base + "/__admin/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s/__admin/health did not answer 200 within 20 s", base)
}
