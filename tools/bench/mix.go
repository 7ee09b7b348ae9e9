package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// mixAPI labels the mixed scenario's rows in the report.
const mixAPI = "mixed"

// mixTarget says where each vendor of the mixed scenario is served: vendorctl serves every vendor on
// one address under a prefix, Prism each spec on its own address at the spec's paths.
type mixTarget struct {
	// Addr is the host:port of each vendor, by API name.
	Addr map[string]string
	// Prefix is the path prefix of each vendor (vendorctl's; Prism: none).
	Prefix map[string]string
	// Placeholder: send placeholder tokens instead of asking the token endpoints (Prism checks that a
	// token is there, not what it is). Zero: real tokens, as vendorctl needs.
	Placeholder bool
	// ResetAddr, when set, is where POST /__admin/reset is sent before the sessions start, so that
	// each measurement starts from the fixtures. Zero: no reset.
	ResetAddr string
}

// mixVendors are the vendors the mixed scenario needs.
var mixVendors = []string{"timewave", "vitecauto", "vitecmaklare", "mediaconnect"}

// vendorctlMix is the mixed scenario against vendorctl serve at addr.
func vendorctlMix(addr string) mixTarget {
	t := mixTarget{Addr: map[string]string{}, Prefix: map[string]string{}, ResetAddr: addr}
	for _, sc := range scenarios() {
		if slices.Contains(mixVendors, sc.API) {
			t.Addr[sc.API], t.Prefix[sc.API] = addr, sc.Prefix
		}
	}
	t.Prefix["connectid"] = "/connectid"
	t.Addr["connectid"] = addr
	return t
}

// mixOps is how many steps one turn of a session's loop has (see mixSession.next).
const mixOps = 12

// mixSession is one connection's state: its tokens, the clients it created, its step.
type mixSession struct {
	t        mixTarget
	id, step int
	conns    map[string]*worker
	// twToken, mcClient and mcUser are the Bearer tokens of TimeWave, Mediaconnect's client mode and
	// its logged-in user.
	twToken, mcClient, mcUser string
	created                   []int
	numbers                   []string
}

// mixRequest is one step: the vendor it goes to, the request, and whether the answer's body is read
// (a create: the new client's id).
type mixRequest struct {
	api  string
	req  Request
	read bool
}

var mixBasic = "Basic " + base64.StdEncoding.EncodeToString([]byte(defaultUser+":"+defaultPassword))

// next is the session's next request. One turn: a TimeWave create, an update of a changing field and
// a get by id of that client, three filtered and sorted pages that move, an update of the client the
// session created the turn before and a get by its number, a Vitec Autodata or Mäklare read, a
// Mediaconnect search or client-mode read, a user change and the user's own info read back. About 7
// answers in 12 differ from every answer before them (a get after a write answers what the write did;
// the Vitec reads and the searches answer fixtures).
func (s *mixSession) next() mixRequest {
	n := s.step
	s.step++
	u := n / mixOps // the turn: what changes from one turn to the next
	jh := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}
	tw := jh.Clone()
	tw.Set("Authorization", "Bearer "+s.twToken)
	mcc := jh.Clone()
	mcc.Set("Authorization", "Bearer "+s.mcClient)
	mcu := jh.Clone()
	mcu.Set("Authorization", "Bearer "+s.mcUser)
	fixture := 1001 + (s.id*37+u*11)%260 // a fixture client
	earlier, number := fixture, "10001"  // the client this session created the turn before
	if k := len(s.created); k >= 2 {
		earlier = s.created[k-2]
	}
	if k := len(s.numbers); k >= 2 {
		number = s.numbers[k-2]
	}
	switch n % mixOps {
	case 0:
		nb := fmt.Sprintf("M%d-%d", s.id, u)
		body := fmt.Sprintf(`{"first_name":"Mix","last_name":"Session%d","number":%q,"email":"mix%d.%d@example.se","status":"active"}`, s.id, nb, s.id, u)
		s.numbers = append(s.numbers, nb)
		return mixRequest{api: "timewave", read: true, req: Request{Method: http.MethodPost, Target: "/clients", Header: tw, Body: []byte(body)}}
	case 1:
		body := fmt.Sprintf(`{"mobile":"070-%03d %02d %02d","status":"active"}`, s.id%1000, u%100, n%97)
		return mixRequest{api: "timewave", req: Request{Method: http.MethodPut, Target: fmt.Sprintf("/clients/%d", fixture), Header: tw, Body: []byte(body)}}
	case 2:
		return mixRequest{api: "timewave", req: Request{Target: fmt.Sprintf("/clients/%d", fixture), Header: tw}}
	case 3:
		return mixRequest{api: "timewave", req: Request{Target: fmt.Sprintf("/clients?filter[status]=active&sort=-id&page[size]=15&page[number]=%d", 1+u%3), Header: tw}}
	case 4:
		body := fmt.Sprintf(`{"email":"mix%d.%d.changed@example.se"}`, s.id, u)
		return mixRequest{api: "timewave", req: Request{Method: http.MethodPut, Target: fmt.Sprintf("/clients/%d", earlier), Header: tw, Body: []byte(body)}}
	case 5:
		return mixRequest{api: "timewave", req: Request{Target: "/clients/findByNumber/" + url.PathEscape(number), Header: tw}}
	case 6:
		sorts := []string{"mobile", "-last_name", "email", "-number"}
		return mixRequest{api: "timewave", req: Request{Target: fmt.Sprintf("/clients?filter[deleted]=false&sort=%s&page[size]=10&page[number]=%d", sorts[u%len(sorts)], 1+u%4), Header: tw}}
	case 7:
		if u%2 == 0 {
			customers := []string{"998&customerId=500190", "998&customerId=500191", "998&customerId=500192", "101&customerId=100001", "205&customerId=300777"}
			h := http.Header{"X-Api-Key": {defaultAPIKey}}
			return mixRequest{api: "vitecauto", req: Request{Target: "/api/customer?companyId=" + customers[(s.id+u)%len(customers)], Header: h}}
		}
		contacts := []string{"P1001", "P1002", "P1003", "C1001", "C1002"}
		h := http.Header{"Accept": {"application/json"}, "Authorization": {mixBasic}}
		return mixRequest{api: "vitecmaklare", req: Request{Target: "/CRM/Contact/M30011/" + contacts[(s.id+u)%len(contacts)], Header: h}}
	case 8:
		if u%2 == 0 {
			phones := []string{"+4712345678", "+4791123456", "+4792234567", "+4740012345", "+4793345566", "+4746678899"}
			body := fmt.Sprintf(`{"phoneNumber":%q}`, phones[(s.id+u)%len(phones)])
			return mixRequest{api: "mediaconnect", req: Request{Method: http.MethodPost, Target: "/v1/client/customer/search", Header: mcc, Body: []byte(body)}}
		}
		numbers := []string{"563457", "512034", "512035", "518770", "604218", "600512"}
		return mixRequest{api: "mediaconnect", req: Request{Target: "/v1/client/customer/info/" + numbers[(s.id+u)%len(numbers)], Header: mcc}}
	case 9:
		body := fmt.Sprintf(`{"name":{"firstName":"Ola","lastName":"Nordmann%d"},"emails":["ola%d.%d@example.no"]}`, u, s.id, u)
		return mixRequest{api: "mediaconnect", req: Request{Method: http.MethodPost, Target: "/v1/customer/info", Header: mcu, Body: []byte(body)}}
	case 10:
		return mixRequest{api: "mediaconnect", req: Request{Target: "/v1/customer/info", Header: mcu}}
	default:
		return mixRequest{api: "timewave", req: Request{Target: fmt.Sprintf("/clients?filter[id][gt]=%d&sort=-mobile&page[size]=15", 1000+(s.id*53+u*7)%250), Header: tw}}
	}
}

// conn is the session's keep-alive connection to a vendor's address.
func (s *mixSession) conn(api string, timeout time.Duration) *worker {
	addr := s.t.Addr[api]
	w, ok := s.conns[addr]
	if !ok {
		w = &worker{addr: addr, timeout: timeout}
		s.conns[addr] = w
	}
	return w
}

func (s *mixSession) close() {
	for _, w := range s.conns {
		w.close()
	}
}

// send sends one step and reads its answer; a create's answer gives the session a client to change.
func (s *mixSession) send(ctx context.Context, m mixRequest, timeout time.Duration) (int, int64, error) {
	w := s.conn(m.api, timeout)
	m.req.Target = s.t.Prefix[m.api] + m.req.Target
	wire := m.req.wire(w.addr)
	if !m.read {
		return w.do(ctx, wire)
	}
	code, body, err := w.doBody(ctx, wire)
	if err == nil && code == http.StatusCreated {
		var created struct {
			Data struct {
				ID int `json:"id"`
			} `json:"data"`
		}
		if json.Unmarshal(body, &created) == nil && created.Data.ID > 0 {
			s.created = append(s.created, created.Data.ID)
		}
	}
	return code, int64(len(body)), err
}

// doBody is do for an answer whose body the caller reads.
func (w *worker) doBody(ctx context.Context, wire []byte) (int, []byte, error) {
	if w.conn == nil {
		d := net.Dialer{Timeout: w.timeout}
		conn, err := d.DialContext(ctx, "tcp", w.addr)
		if err != nil {
			return 0, nil, err
		}
		w.conn, w.br = conn, bufio.NewReaderSize(conn, 32<<10)
	}
	_ = w.conn.SetDeadline(time.Now().Add(w.timeout))
	if _, err := w.conn.Write(wire); err != nil {
		w.close()
		return 0, nil, err
	}
	resp, err := http.ReadResponse(w.br, nil)
	if err != nil {
		w.close()
		return 0, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil || resp.Close {
		w.close()
	}
	return resp.StatusCode, body, err
}

// login gets the session's tokens: Mediaconnect's client-credentials token and a user token through the authorize endpoint (the mock logs its test user in at once).
func (s *mixSession) login(ctx context.Context, hc *http.Client) error {
	if s.t.Placeholder {
		s.mcClient, s.mcUser = "placeholder-token", "placeholder-token"
		return nil
	}
	base := func(api string) string { return "http://" + s.t.Addr[api] + s.t.Prefix[api] }
	var err error
	if s.mcClient, err = clientCredentialsToken(ctx, hc, base("connectid")+"/user/oauth/token"); err != nil {
		return fmt.Errorf("mediaconnect token: %w", err)
	}
	if s.mcUser, err = userToken(ctx, base("connectid")); err != nil {
		return fmt.Errorf("mediaconnect user token: %w", err)
	}
	return nil
}

// userToken runs ConnectID's authorization-code flow: authorize (answered with a redirect that
// carries the code), then the code for a token.
func userToken(ctx context.Context, connectid string) (string, error) {
	const redirect = "http://127.0.0.1/callback"
	noFollow := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"client_id": {defaultClientID}, "redirect_uri": {redirect}, "response_type": {"code"}, "state": {"bench"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, connectid+"/user/oauth/authorize?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	resp, err := noFollow.Do(req)
	if err != nil {
		return "", err
	}
	_ = resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		return "", fmt.Errorf("authorize answered %d without a code", resp.StatusCode)
	}
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {redirect},
		"client_id": {defaultClientID}, "client_secret": {defaultClientSecret},
	}
	return postToken(ctx, noFollow, connectid+"/user/oauth/token", form)
}

// postToken posts a token request form and returns the access token of the answer.
func postToken(ctx context.Context, hc *http.Client, tokenURL string, form url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("POST %s: %d %s", tokenURL, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("POST %s: no access_token in the answer", tokenURL)
	}
	return tok.AccessToken, nil
}

// resetServer asks vendorctl to go back to its fixtures.
func resetServer(ctx context.Context, addr string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/__admin/reset", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST /__admin/reset: %d", resp.StatusCode)
	}
	return nil
}

// runMix runs the mixed scenario: sessions connections, each logged in first (not timed), then its
// loop for d.
func runMix(ctx context.Context, t mixTarget, sessions int, d time.Duration) (*Result, error) {
	if sessions <= 0 || d <= 0 {
		return nil, errors.New("mix: sessions and duration must be positive")
	}
	if t.ResetAddr != "" {
		if err := resetServer(ctx, t.ResetAddr); err != nil {
			return nil, err
		}
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	// TimeWave keeps one token per client (a new one revokes the one before): the sessions share it.
	twToken := "placeholder-token"
	if !t.Placeholder {
		var err error
		if twToken, err = clientCredentialsToken(ctx, hc, "http://"+t.Addr["timewave"]+t.Prefix["timewave"]+"/oauth/token"); err != nil {
			return nil, fmt.Errorf("timewave token: %w", err)
		}
	}
	all := make([]*mixSession, sessions)
	for i := range all {
		all[i] = &mixSession{t: t, id: i, conns: map[string]*worker{}, twToken: twToken}
		if err := all[i].login(ctx, hc); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	res := &Result{Status: map[int]int{}, Loader: "go"}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for _, s := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer s.close()
			part := s.loop(ctx, 10*time.Second)
			mu.Lock()
			defer mu.Unlock()
			res.add(part)
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.finish()
	return res, nil
}

// loop sends the session's steps until ctx ends.
func (s *mixSession) loop(ctx context.Context, timeout time.Duration) *Result {
	part := &Result{Status: map[int]int{}, latencies: make([]time.Duration, 0, 1024)}
	for ctx.Err() == nil {
		m := s.next()
		t0 := time.Now()
		code, size, err := s.send(ctx, m, timeout)
		d := time.Since(t0)
		switch {
		case err != nil && ctx.Err() != nil:
			return part // the duration ran out mid-request
		case err != nil:
			part.Errors++
			if part.FirstError == "" {
				part.FirstError = err.Error()
			}
		default:
			part.Status[code]++
			part.latencies = append(part.latencies, d)
			part.BodyBytes += size
		}
	}
	return part
}

// add merges a part of a run into r.
func (r *Result) add(part *Result) {
	for c, k := range part.Status {
		r.Status[c] += k
	}
	r.Errors += part.Errors
	r.BodyBytes += part.BodyBytes
	if r.FirstError == "" {
		r.FirstError = part.FirstError
	}
	r.latencies = append(r.latencies, part.latencies...)
}

// finish sorts the latencies and sets the counts and percentiles.
func (r *Result) finish() {
	r.Requests = len(r.latencies) + r.Errors
	slices.Sort(r.latencies)
	r.P50, r.P99, r.Max = r.Percentile(50), r.Percentile(99), r.Percentile(100)
}

// mixRuns says whether a server runs every vendor of the mixed scenario.
func mixRuns(known []scenario) bool {
	for _, api := range mixVendors {
		if !slices.ContainsFunc(known, func(s scenario) bool { return s.API == api }) {
			return false
		}
	}
	return true
}
