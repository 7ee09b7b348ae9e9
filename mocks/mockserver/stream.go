package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// streamHeartbeat is how often a quiet stream sends a comment, so that proxies and the page see it alive.
const streamHeartbeat = 15 * time.Second

// streamBatch is how many entries a stream writes before it flushes.
const streamBatch = 256

// streamRequests serves GET /__admin/requests/stream: the journal's new entries as server-sent events,
// one "entry" event per entry (data: the entry as GET /__admin/requests gives it), and a "dropped"
// event ({"dropped": N}, the total so far) when the reader lagged and lost entries. It streams the
// entries of this server's own journal (its session), or with ?all=true every journal of its feed:
// the default server's and every session's.
func (s *Server) streamRequests(w http.ResponseWriter, r *http.Request) {
	every, err := optionalBool(r, "all")
	if err != nil {
		writeJSON(w, http.StatusBadRequest, adminError{Error: err.Error()})
		return
	}
	feed := s.Journal().Feed()
	if feed == nil {
		writeJSON(w, http.StatusConflict, adminError{Error: "this server does not stream its journal (it has no feed)"})
		return
	}
	sub := feed.Subscribe(0)
	defer sub.Close()
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(": vendorctl journal stream\n\n"))
	if rc.Flush() != nil {
		return
	}
	st := stream{session: s.Journal().Session(), every: every}
	heartbeat := time.NewTicker(streamHeartbeat)
	defer heartbeat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-feed.Done():
			return
		case <-heartbeat.C:
			st.buf.WriteString(": heartbeat\n\n")
		case e := <-sub.Entries():
			st.add(e)
			st.drain(sub)
		}
		st.reportDrops(sub)
		if _, err := w.Write(st.buf.Bytes()); err != nil || rc.Flush() != nil {
			return
		}
		st.buf.Reset()
	}
}

// stream is the state of one journal stream: what it sends and what it has told of drops.
type stream struct {
	session string
	every   bool
	dropped uint64
	buf     bytes.Buffer
}

// add writes e as an "entry" event when the stream shows its session.
func (st *stream) add(e Entry) {
	if !st.every && e.Session != st.session {
		return
	}
	data, err := json.Marshal(e)
	if err != nil {
		return
	}
	st.buf.WriteString("event: entry\ndata: ")
	st.buf.Write(data)
	st.buf.WriteString("\n\n")
}

// drain adds the entries already waiting, up to a batch, without waiting for more.
func (st *stream) drain(sub *Subscription) {
	for range streamBatch - 1 {
		select {
		case e := <-sub.Entries():
			st.add(e)
		default:
			return
		}
	}
}

// reportDrops writes a "dropped" event when the subscriber lost entries since the last report.
func (st *stream) reportDrops(sub *Subscription) {
	if n := sub.Dropped(); n != st.dropped {
		st.dropped = n
		st.buf.WriteString("event: dropped\ndata: {\"dropped\":" + strconv.FormatUint(n, 10) + "}\n\n")
	}
}

// optionalBool reads a boolean query parameter; absent is false.
func optionalBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, &paramError{name: name, want: "true or false"}
	}
	return b, nil
}

// paramError is a query parameter with a value the endpoint does not take.
type paramError struct{ name, want string }

func (e *paramError) Error() string { return e.name + " must be " + e.want }
