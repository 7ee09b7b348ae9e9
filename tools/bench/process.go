package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is a server process the benchmark started.
type server struct {
	name string
	cmd  *exec.Cmd
	addr string
	// Ready is the time from starting the process to its first healthy answer.
	Ready time.Duration
	// log receives the process's output: a file, so that the kernel, not this process, copies it.
	log  *os.File
	done chan struct{}
}

// probe is what tells that a server is ready: a GET that answers 2xx.
type probe struct {
	Target string
	Header http.Header
}

// startServer starts argv (which must make the server listen on addr) and waits until the probe
// answers 2xx, at most timeout. Ready is measured from just before the process is started.
func startServer(ctx context.Context, name, addr string, argv []string, p probe, timeout time.Duration) (*server, error) {
	log, err := os.CreateTemp("", "vendorctl-bench-*.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // stop the whole tree (npm shims, node)
	s := &server{name: name, cmd: cmd, addr: addr, log: log, done: make(chan struct{})}
	hc := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+p.Target, nil)
	if err != nil {
		return nil, err
	}
	req.Header = p.Header.Clone()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		s.removeLog()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() { _ = cmd.Wait(); close(s.done) }()
	deadline := start.Add(timeout)
	for {
		resp, err := hc.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				s.Ready = time.Since(start)
				return s, nil
			}
		}
		select {
		case <-s.done:
			tail := s.tail()
			s.removeLog()
			return nil, fmt.Errorf("%s exited before it was ready: %s", name, tail)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		default:
		}
		if time.Now().After(deadline) {
			tail := s.tail()
			s.stop()
			return nil, fmt.Errorf("%s not ready after %s (last error: %v): %s", name, timeout, err, tail)
		}
		time.Sleep(time.Millisecond)
	}
}

// stop asks the server's process group to end, then kills it if it has not ended after 5 seconds.
func (s *server) stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	pgid := s.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.done
	}
	s.removeLog()
}

// tail is the end of the process's output, for error messages.
func (s *server) tail() string {
	data, _ := os.ReadFile(s.log.Name())
	if len(data) > 4<<10 {
		data = data[len(data)-4<<10:]
	}
	return strings.TrimSpace(string(data))
}

func (s *server) removeLog() {
	_ = s.log.Close()
	_ = os.Remove(s.log.Name())
}

// cpuTicks is the CPU time the server's process has used, in clock ticks (utime + stime of
// /proc/PID/stat).
func (s *server) cpuTicks() (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	return parseStatTicks(string(data))
}

// clockTick is the unit of /proc/PID/stat times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// totalTicks is the CPU time the servers used so far, in clock ticks, or -1 when one cannot be read.
func totalTicks(servers []*server) int64 {
	var sum int64
	for _, s := range servers {
		t, err := s.cpuTicks()
		if err != nil {
			return -1
		}
		sum += t
	}
	return sum
}

// parseStatTicks reads utime and stime (fields 14 and 15) of a /proc/PID/stat line; the command name
// (field 2) is in parentheses and may hold spaces.
func parseStatTicks(stat string) (int64, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("malformed /proc stat")
	}
	f := strings.Fields(stat[i+1:]) // from field 3 (state) on
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("malformed /proc stat times")
	}
	return utime + stime, nil
}

// waitIdle waits, at most max, until the servers together use less than one clock tick (10 ms of
// CPU) in 100 ms: a server that was just loaded may go on working (collecting garbage, writing
// logs) and would take the next measurement's CPU.
func waitIdle(ctx context.Context, servers []*server, max time.Duration) {
	total := func() int64 {
		var sum int64
		for _, s := range servers {
			if t, err := s.cpuTicks(); err == nil {
				sum += t
			}
		}
		return sum
	}
	deadline := time.Now().Add(max)
	last := total()
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
		now := total()
		if now-last < 1 {
			return
		}
		last = now
	}
}

// memory is a process's resident set size now and at its peak, in bytes (Linux: /proc/PID/status).
type memory struct {
	RSS, Peak int64
}

func (s *server) memory() (memory, error) {
	return readMemory(s.cmd.Process.Pid)
}

func readMemory(pid int) (memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, fmt.Errorf("read memory of process %d: %w", pid, err)
	}
	defer f.Close()
	return parseStatus(f)
}

// parseStatus reads VmRSS and VmHWM (in kB) from a /proc/PID/status text.
func parseStatus(r io.Reader) (memory, error) {
	var m memory
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return m, fmt.Errorf("parse %s %q: %w", k, v, err)
		}
		if k == "VmRSS" {
			m.RSS = kb << 10
		} else {
			m.Peak = kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		return m, err
	}
	if m.RSS == 0 {
		return m, errors.New("no VmRSS in the process status")
	}
	return m, nil
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func mb(bytes int64) string { return strconv.FormatFloat(float64(bytes)/(1<<20), 'f', 1, 64) }
