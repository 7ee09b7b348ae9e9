package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// killLoss is the age beyond which an acknowledged change must survive a kill -9: the issue's
// second, which the batching interval (statedir.DefaultInterval) leaves room in for the write itself.
const killLoss = time.Second

// ack is a TimeWave client whose create was answered 201, and when.
type ack struct {
	email string
	at    time.Time
}

// startBinary starts the built vendorctl serve on a free port with the state folder and returns its
// base URL; the test fails with serve's stderr when it does not start.
func startBinary(t *testing.T, bin, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--log-level", "error", "--state-dir", dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if m := baseLine.FindStringSubmatch(sc.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return cmd, m[1]
		}
	}
	_ = cmd.Wait()
	t.Fatalf("serve did not start: %s", stderr.String())
	return nil, ""
}

// createUntilKilled creates TimeWave clients one after another until the server stops answering;
// it returns every e-mail address sent and the creates answered 201.
func createUntilKilled(base, token, round string) (sent []string, acks []ack) {
	for i := 0; ; i++ {
		email := fmt.Sprintf("kill-%s-%d@example.se", round, i)
		body, _ := json.Marshal(map[string]string{"first_name": "Kill", "last_name": "Test", "email": email})
		req, _ := http.NewRequest(http.MethodPost, base+"/timewave/v3/clients", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		sent = append(sent, email)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return sent, acks
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusCreated {
			acks = append(acks, ack{email, time.Now()})
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// keptEmails are the e-mail addresses of every client above the fixtures' ids on a running serve.
func keptEmails(t *testing.T, base, token string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for page := 1; ; page++ {
		status, body := twCall(t, base, token, http.MethodGet, fmt.Sprintf("/clients?filter[id][gt]=1260&page[size]=1000&page[number]=%d", page), nil)
		var p struct {
			Data     []struct{ Email string }
			LastPage int `json:"last_page"`
		}
		if status != 200 || json.Unmarshal(body, &p) != nil {
			t.Fatalf("list: %d %.200s", status, body)
		}
		for _, c := range p.Data {
			out[c.Email] = true
		}
		if page >= p.LastPage {
			return out
		}
	}
}

// kill -9 during TimeWave writes, 12 times: each restart loads the state, which holds every create
// answered more than killLoss before its kill, everything an earlier start held, and nothing never
// sent. The test logs the oldest acknowledgement a kill lost.
func TestServeStateSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildVendorctl(t)
	dir := filepath.Join(t.TempDir(), "state")
	sent := map[string]bool{}
	var before map[string]bool // what the previous start held
	var last []ack             // the previous round's acknowledgements
	var killed time.Time       // and its kill
	var oldestLost time.Duration
	acked := 0
	const rounds = 12
	for round := range rounds + 1 {
		cmd, base := startBinary(t, bin, dir)
		token := timewaveToken(t, base)
		kept := keptEmails(t, base, token)
		for e := range kept {
			if !sent[e] {
				t.Fatalf("round %d: the state holds %s, never sent", round, e)
			}
		}
		for e := range before {
			if !kept[e] {
				t.Fatalf("round %d: %s, held by the previous start, is gone", round, e)
			}
		}
		for _, a := range last {
			if age := killed.Sub(a.at); !kept[a.email] {
				if age > killLoss {
					t.Fatalf("round %d: %s, acknowledged %s before the kill, is lost", round, a.email, age)
				}
				oldestLost = max(oldestLost, age)
			}
		}
		before = kept
		if round == rounds {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			break
		}
		var wg sync.WaitGroup
		var emails []string
		wg.Go(func() { emails, last = createUntilKilled(base, token, fmt.Sprint(round)) })
		time.Sleep(time.Duration(300+rand.IntN(1500)) * time.Millisecond)
		killed = time.Now()
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		wg.Wait()
		if len(last) == 0 {
			t.Fatalf("round %d: no create answered before the kill", round)
		}
		for _, e := range emails {
			sent[e] = true
		}
		acked += len(last)
	}
	t.Logf("%d rounds, %d creates acknowledged; the oldest acknowledgement a kill lost was %s before it", rounds, acked, oldestLost)
}
