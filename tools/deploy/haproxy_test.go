package deploy

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// cluster is three vendorctl replicas behind HAProxy with haproxy.cfg, all on loopback.
type cluster struct {
	bin, lb, stats string
	addrs          map[string]string // replica name (r1..r3, as haproxy.cfg names them) → address
	procs          map[string]*process
}

var replicaNames = []string{"r1", "r2", "r3"}

func startCluster(t *testing.T) *cluster {
	t.Helper()
	haproxy, err := exec.LookPath("haproxy")
	if err != nil {
		t.Fatal("haproxy is not installed: run `make deps-haproxy` (make test does)")
	}
	c := &cluster{bin: buildVendorctl(t), lb: freeAddr(t), stats: freeAddr(t), addrs: map[string]string{}, procs: map[string]*process{}}
	env := []string{"VENDORCTL_LB_ADDR=" + c.lb, "VENDORCTL_LB_STATS=" + c.stats}
	for i, name := range replicaNames {
		c.addrs[name] = freeAddr(t)
		env = append(env, fmt.Sprintf("VENDORCTL_REPLICA_%d=%s", i+1, c.addrs[name]))
		c.startReplica(t, name)
	}
	start(t, env, haproxy, "-db", "-f", "haproxy.cfg")
	c.waitStatus(t, map[string]string{"sessions/r1": "UP", "sessions/r2": "UP", "sessions/r3": "UP", "default_session/r1": "UP"})
	return c
}

func (c *cluster) startReplica(t *testing.T, name string) {
	t.Helper()
	p := start(t, nil, c.bin, "serve", "--addr", c.addrs[name], "--log-level", "warn")
	waitHealth(t, p, "http://"+c.addrs[name])
	c.procs[name] = p
}

// status is the state of every server in HAProxy's stats CSV, by "backend/server".
func (c *cluster) status() (map[string]string, error) {
	resp, err := client.Get("http://" + c.stats + "/;csv")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || len(rows) < 2 {
		return nil, fmt.Errorf("HAProxy stats CSV: %v (%d rows)", err, len(rows))
	}
	col := slices.Index(rows[0], "status")
	out := map[string]string{}
	for _, r := range rows[1:] {
		out[r[0]+"/"+r[1]] = r[col]
	}
	return out, nil
}

// waitStatus waits until HAProxy's health checks report want (within 20 s).
func (c *cluster) waitStatus(t *testing.T, want map[string]string) {
	t.Helper()
	var got map[string]string
	var err error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got, err = c.status(); err != nil {
			continue
		}
		ok := true
		for k, v := range want {
			ok = ok && got[k] == v
		}
		if ok {
			return
		}
	}
	t.Fatalf("HAProxy stats: %v (%v), want %v", got, err, want)
}

// session is one test session's traffic through the balancer.
type session struct {
	id       string
	byHeader bool // X-Vendorctl-Session instead of /sessions/{id}/
	token    string
	total    int      // TimeWave clients after its writes
	replicas []string // X-Vendorctl-Replica of each answer
}

// call sends a request of s through base (the balancer or a replica) and decodes a JSON answer into v.
func (s *session) call(base, method, path string, form url.Values, body string, v any) (int, error) {
	var r io.Reader
	if form != nil {
		r = strings.NewReader(form.Encode())
	} else if body != "" {
		r = strings.NewReader(body)
	}
	u := "http://" + base + "/sessions/" + s.id + path
	if s.byHeader {
		u = "http://" + base + path
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		return 0, err
	}
	switch {
	case form != nil:
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case body != "":
		req.Header.Set("Content-Type", "application/json")
	}
	if s.byHeader {
		req.Header.Set("X-Vendorctl-Session", s.id)
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	s.replicas = append(s.replicas, resp.Header.Get("X-Vendorctl-Replica"))
	data, _ := io.ReadAll(resp.Body)
	if v != nil && json.Unmarshal(data, v) != nil {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	return resp.StatusCode, nil
}

// login takes a TimeWave token for s and returns its clients total.
func (s *session) login(base string) (int, error) {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	s.token = ""
	form := url.Values{"client_id": {"mock-client"}, "client_secret": {"mock-secret"}, "grant_type": {"client_credentials"}}
	if status, err := s.call(base, http.MethodPost, "/timewave/v3/oauth/token", form, "", &tok); err != nil || status != http.StatusOK {
		return 0, fmt.Errorf("token: %d %v", status, err)
	}
	s.token = tok.AccessToken
	return s.clients(base)
}

// clients is the session's TimeWave clients total.
func (s *session) clients(base string) (int, error) {
	var page struct{ Total int }
	if status, err := s.call(base, http.MethodGet, "/timewave/v3/clients?page%5Bsize%5D=1", nil, "", &page); err != nil || status != http.StatusOK {
		return 0, fmt.Errorf("list: %d %v", status, err)
	}
	return page.Total, nil
}

// work logs s in, creates n TimeWave clients and reads the total back; it returns the fixtures' total.
func (s *session) work(base string, n int) (int, error) {
	before, err := s.login(base)
	if err != nil {
		return 0, err
	}
	for k := range n {
		body := fmt.Sprintf(`{"company_name": "%s nr %d"}`, s.id, k)
		if status, err := s.call(base, http.MethodPost, "/timewave/v3/clients", nil, body, &struct{}{}); err != nil || status != http.StatusCreated {
			return 0, fmt.Errorf("create: %d %v", status, err)
		}
	}
	if s.total, err = s.clients(base); err != nil {
		return 0, err
	}
	if s.total != before+n {
		return 0, fmt.Errorf("total %d after %d creates on %d: the session saw writes not its own", s.total, n, before)
	}
	return before, nil
}

// replica is the one replica that answered every request of s, or "" when there were several.
func (s *session) replica() string {
	if len(s.replicas) == 0 || slices.ContainsFunc(s.replicas, func(r string) bool { return r != s.replicas[0] }) {
		return ""
	}
	return s.replicas[0]
}

// runSessions sends n sessions' work in parallel (half by path, half by header) and checks that each
// saw exactly its own writes, all answered by one replica; it returns the sessions and the fixtures' total.
func (c *cluster) runSessions(t *testing.T, prefix string, n int) ([]*session, int) {
	t.Helper()
	out := make([]*session, n)
	fixtures := make([]int, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 48)
	for i := range n {
		out[i] = &session{id: fmt.Sprintf("%s-%03d", prefix, i), byHeader: i%2 == 1}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var err error
			if fixtures[i], err = out[i].work(c.lb, 1+i%3); err != nil {
				t.Errorf("session %s: %v", out[i].id, err)
			}
		}()
	}
	wg.Wait()
	for i, s := range out {
		if s.replica() == "" || fixtures[i] != fixtures[0] {
			t.Errorf("session %s: answered by %v, fixtures total %d (first session's %d)", s.id, s.replicas, fixtures[i], fixtures[0])
		}
	}
	return out, fixtures[0]
}

// placement checks each replica's own GET /__admin/sessions: it lists exactly the sessions that
// X-Vendorctl-Replica named it for.
func (c *cluster) placement(t *testing.T, all []*session) map[string][]*session {
	t.Helper()
	by := map[string][]*session{}
	for _, s := range all {
		by[s.replica()] = append(by[s.replica()], s)
	}
	for _, name := range replicaNames {
		var list struct{ Sessions []struct{ ID string } }
		if status, err := (&session{}).get(c.addrs[name], "/__admin/sessions", &list); err != nil || status != http.StatusOK {
			t.Fatalf("%s GET /__admin/sessions: %d %v", name, status, err)
		}
		live := map[string]bool{}
		for _, s := range list.Sessions {
			live[s.ID] = true
		}
		for _, s := range all {
			if live[s.id] != (s.replica() == name) {
				t.Errorf("session %s answered by %s, live on %s: %v", s.id, s.replica(), name, live[s.id])
			}
		}
		if len(by[name]) == 0 {
			t.Errorf("no session on %s: %d sessions over %v", name, len(all), replicaNames)
		}
	}
	return by
}

// get is a plain GET of path on base (no session), decoded into v.
func (s *session) get(base, path string, v any) (int, error) {
	resp, err := client.Get("http://" + base + path)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	s.replicas = append(s.replicas, resp.Header.Get("X-Vendorctl-Replica"))
	return resp.StatusCode, json.NewDecoder(resp.Body).Decode(v)
}

// checkJournals reads each session's journal through the balancer (GET /__admin/requests?session=ID):
// it is answered by the session's replica and holds exactly the session's requests, none of them off
// the spec.
func (c *cluster) checkJournals(t *testing.T, all []*session, fixtures int) {
	t.Helper()
	for _, s := range all {
		var j struct {
			Requests []struct {
				Status     int
				Violations []json.RawMessage
			}
		}
		probe := &session{}
		if status, err := probe.get(c.lb, "/__admin/requests?session="+s.id, &j); err != nil || status != http.StatusOK {
			t.Fatalf("journal of %s: %d %v", s.id, status, err)
		}
		if want := s.total - fixtures + 3; len(j.Requests) != want || probe.replica() != s.replica() {
			t.Errorf("journal of %s from %s: %d entries, want %d from %s", s.id, probe.replica(), len(j.Requests), want, s.replica())
		}
		for _, e := range j.Requests {
			if len(e.Violations) > 0 {
				t.Errorf("session %s: an answer off the spec: %s", s.id, e.Violations)
			}
		}
	}
}

// checkDelete ends one session of each replica with DELETE /__admin/sessions/{id} through the balancer:
// 204 only when it reaches the session's own replica.
func (c *cluster) checkDelete(t *testing.T, by map[string][]*session) {
	t.Helper()
	for _, name := range replicaNames {
		if len(by[name]) == 0 {
			continue // placement has said so
		}
		id := by[name][0].id
		req, _ := http.NewRequest(http.MethodDelete, "http://"+c.lb+"/__admin/sessions/"+id, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Vendorctl-Replica"); resp.StatusCode != http.StatusNoContent || got != name {
			t.Errorf("DELETE session %s of %s through the balancer: %d from %s, want 204 from %s", id, name, resp.StatusCode, got, name)
		}
	}
}

// checkDefault: requests without a session (health, the default session's TimeWave) go to r1.
func (c *cluster) checkDefault(t *testing.T) {
	t.Helper()
	var health struct{ Status string }
	probe := &session{}
	if status, err := probe.get(c.lb, "/__admin/health", &health); err != nil || status != http.StatusOK || health.Status != "ok" {
		t.Errorf("health through the balancer: %d %v %+v", status, err, health)
	}
	for range 5 {
		if _, err := probe.get(c.lb, "/__admin/health", &health); err != nil {
			t.Fatal(err)
		}
	}
	if probe.replica() != "r1" {
		t.Errorf("requests without a session answered by %v, want r1 only", probe.replicas)
	}
	for _, name := range replicaNames { // and each replica's own health, as HAProxy checks it
		if status, err := (&session{}).get(c.addrs[name], "/__admin/health", &health); err != nil || status != http.StatusOK {
			t.Errorf("%s health: %d %v", name, status, err)
		}
	}
}

// unmoved checks that every session not on r2 still has its writes and its replica.
func (c *cluster) unmoved(t *testing.T, all []*session, when string) {
	t.Helper()
	for _, s := range all {
		if r := s.replica(); r != "r2" {
			if total, err := s.clients(c.lb); err != nil || total != s.total || s.replica() != r {
				t.Errorf("session %s on %s %s: total %d (want %d), %v, answered by %v", s.id, r, when, total, s.total, err, s.replicas)
			}
		}
	}
}

// Three replicas behind HAProxy (haproxy.cfg): 300 parallel sessions each get exactly their own writes
// and every request of a session reaches one replica, its admin ?session= requests too; requests
// without a session go to r1. Stopping r2 leaves every other session as it was while r2's move to
// r1 or r3 and start afresh; r2 restarted takes new sessions (and its own back), and DELETE
// /__admin/sessions/{id} reaches the session's replica. HAProxy's stats show each replica's health.
func TestHAProxy(t *testing.T) {
	c := startCluster(t)
	all, fixtures := c.runSessions(t, "job", 300)
	if t.Failed() {
		return
	}
	by := c.placement(t, all)
	t.Logf("300 sessions: %d on r1, %d on r2, %d on r3", len(by["r1"]), len(by["r2"]), len(by["r3"]))
	c.checkJournals(t, all, fixtures)
	c.checkDefault(t)

	if err := c.procs["r2"].stop(); err != nil {
		t.Fatalf("stop r2: %v", err)
	}
	c.unmoved(t, all, "at once after r2 stopped")
	c.waitStatus(t, map[string]string{"sessions/r1": "UP", "sessions/r2": "DOWN", "sessions/r3": "UP"})
	c.unmoved(t, all, "with r2 marked down")
	for _, s := range by["r2"] {
		s.replicas = nil
		if total, err := s.login(c.lb); err != nil || total != fixtures || s.replica() == "" || s.replica() == "r2" {
			t.Errorf("session %s of r2 while r2 is down: total %d (want the fixtures' %d), %v, answered by %v", s.id, total, fixtures, err, s.replicas)
		}
	}

	c.startReplica(t, "r2")
	c.waitStatus(t, map[string]string{"sessions/r1": "UP", "sessions/r2": "UP", "sessions/r3": "UP"})
	fresh, _ := c.runSessions(t, "new", 60)
	c.checkDelete(t, c.placement(t, fresh))
	for _, s := range by["r2"] {
		s.replicas = nil
		if total, err := s.login(c.lb); err != nil || total != fixtures || s.replica() != "r2" {
			t.Errorf("session %s with r2 back: total %d, %v, answered by %v, want r2", s.id, total, err, s.replicas)
		}
	}
}
