package timewave

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	timewaveapi "github.com/vendorctl/vendorctl/gen/timewave"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/specs"
)

// Operation ids of the spec that the renderer and mockkit tell apart.
const (
	opRequestToken = "requestToken"
	opCreateClient = "createClient"
	opUpdateClient = "updateClient"
)

// ListClients implements GET /clients: filter, sort, then one page.
func (m *Mock) ListClients(ctx context.Context, req timewaveapi.ListClientsRequestObject) (timewaveapi.ListClientsResponseObject, error) {
	p := req.Params
	if err := m.checkFilters(queryOf(ctx)); err != nil {
		return nil, err
	}
	match, err := matcher(p)
	if err != nil {
		return nil, err
	}
	size, page, err := paging(p)
	if err != nil {
		return nil, err
	}
	field, desc := "id", false
	if p.Sort != nil {
		field, desc = strings.CutPrefix(string(*p.Sort), "-")
	}

	q := listQueryOf(p)

	key := queryOf(ctx).Encode()
	m.mu.RLock()
	defer m.mu.RUnlock()
	if cached, ok := m.pages.get(m.store, key); ok {
		return cached, nil
	}
	// Select from the indexes, then order only what the page needs; only the page's clients are copied.
	sel := m.store.selectClients(q, match)
	total := sel.len()
	lastPage := max(1, (total+size-1)/size)
	out := timewaveapi.ListClients200JSONResponse{CurrentPage: page, LastPage: lastPage, PerPage: size, Total: total, Data: []timewaveapi.Client{}}
	if total > 0 && page <= lastPage {
		start := (page - 1) * size
		end := min(start+size, total)
		out.Data = make([]timewaveapi.Client, 0, end-start)
		for _, pos := range m.store.page(sel, match, field, desc, start, end-start) {
			out.Data = append(out.Data, m.view(*m.store.recs.at(int(pos))))
		}
		from, to := start+1, end
		out.From, out.To = &from, &to
	}
	// Encoded as the generated ListClients200JSONResponse encodes itself, once for this store.
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(out); err != nil {
		return nil, err
	}
	encoded := encodedPage(buf.Bytes())
	m.pages.put(m.store, key, encoded)
	return encoded, nil
}

// encodedPage is a 200 answer of GET /clients, encoded once.
type encodedPage []byte

// VisitListClientsResponse writes the page as timewaveapi.ListClients200JSONResponse writes itself.
func (p encodedPage) VisitListClientsResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(p)
	return err
}

// pageCacheSize bounds the encoded pages kept.
const pageCacheSize = 64

// pageCache keeps the encoded pages of GET /clients (by query) for one version of one store: a page is
// built and encoded once until a client is created or changed or the store is reset. Safe for
// concurrent use; callers hold the Mock's read lock, so the store does not change meanwhile.
type pageCache struct {
	mu      sync.Mutex
	store   *store
	version uint64
	pages   map[string]encodedPage
}

func (pc *pageCache) get(s *store, key string) (encodedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.store != s || pc.version != s.version {
		return nil, false
	}
	page, ok := pc.pages[key]
	return page, ok
}

func (pc *pageCache) put(s *store, key string, page encodedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.store != s || pc.version != s.version || len(pc.pages) >= pageCacheSize {
		pc.store, pc.version, pc.pages = s, s.version, map[string]encodedPage{}
	}
	pc.pages[key] = page
}

// hit is a client that matches a list request: its id (or its position, which orders the same) and
// its value of the sort field.
type hit struct {
	id  int
	key sortKey
}

// checkFilters refuses filter[...] parameters that the spec does not declare, as spatie's query builder
// does (400), instead of silently ignoring them.
func (m *Mock) checkFilters(q url.Values) error {
	var unknown []string
	for k := range q {
		if strings.HasPrefix(k, "filter[") && !m.filters[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	vs := make([]specs.Violation, len(unknown))
	for i, k := range unknown {
		vs[i] = specs.Violation{In: "query", Field: k, Message: "The " + k + " filter is not allowed."}
	}
	return &mockkit.Error{Status: http.StatusBadRequest, Message: vs[0].Message, Code: codeOwnText, Violations: vs}
}

// queryError is a 400 for a query parameter, with Laravel's text.
func queryError(field, msg string) *mockkit.Error {
	return &mockkit.Error{Status: http.StatusBadRequest, Message: msg, Code: codeOwnText, Violations: []specs.Violation{{In: "query", Field: field, Message: msg}}}
}

// matcher builds the filter of a list request. Every given filter must hold (AND). Without a filter it
// returns nil: every client matches.
func matcher(p timewaveapi.ListClientsParams) (func(*timewaveapi.Client) bool, error) {
	var conds []func(*timewaveapi.Client) bool
	if p.FilterId != nil {
		id := *p.FilterId
		conds = append(conds, func(c *timewaveapi.Client) bool { return c.Id == id })
	}
	if p.FilterIdGt != nil {
		n := *p.FilterIdGt
		conds = append(conds, func(c *timewaveapi.Client) bool { return c.Id > n })
	}
	if p.FilterIdLt != nil {
		n := *p.FilterIdLt
		conds = append(conds, func(c *timewaveapi.Client) bool { return c.Id < n })
	}
	if p.FilterIdBetween != nil {
		const name = "filter[id][between]"
		lo, hi, ok := idBetween(*p.FilterIdBetween)
		if !ok {
			return nil, queryError(name, "The "+name+" format is invalid.")
		}
		conds = append(conds, func(c *timewaveapi.Client) bool { return lo <= c.Id && c.Id <= hi })
	}
	if p.FilterStatus != nil {
		s := *p.FilterStatus
		conds = append(conds, func(c *timewaveapi.Client) bool { return c.Status == s })
	}
	if p.FilterNumber != nil {
		n := *p.FilterNumber
		conds = append(conds, func(c *timewaveapi.Client) bool { return c.Number != nil && *c.Number == n })
	}
	if p.FilterDeleted != nil {
		d := *p.FilterDeleted
		conds = append(conds, func(c *timewaveapi.Client) bool { return c.Deleted == d })
	}
	if p.FilterEmail != nil {
		e := *p.FilterEmail
		conds = append(conds, func(c *timewaveapi.Client) bool { return c.Email != nil && string(*c.Email) == e })
	}
	if p.FilterPersonalNumber != nil {
		n := *p.FilterPersonalNumber
		conds = append(conds, func(c *timewaveapi.Client) bool { return c.PersonalNumber != nil && *c.PersonalNumber == n })
	}
	if len(conds) == 0 {
		return nil, nil // every client matches
	}
	return func(c *timewaveapi.Client) bool {
		for _, cond := range conds {
			if !cond(c) {
				return false
			}
		}
		return true
	}, nil
}

// idBetween parses filter[id][between]: "A,B".
func idBetween(v string) (lo, hi int, ok bool) {
	a, b, ok := strings.Cut(v, ",")
	lo, errA := strconv.Atoi(strings.TrimSpace(a))
	hi, errB := strconv.Atoi(strings.TrimSpace(b))
	return lo, hi, ok && errA == nil && errB == nil
}

// listQuery is what the filters of a list request ask, as the indexes answer it: ids in [idLo, idHi]
// and every eqs field equal to its value. matcher is the same filter as a test of one client.
type listQuery struct {
	idLo, idHi int
	eqs        []eqFilter
}

type eqFilter struct{ field, value string }

// listQueryOf reads the filters of p (checked by matcher first).
func listQueryOf(p timewaveapi.ListClientsParams) listQuery {
	q := listQuery{idLo: math.MinInt, idHi: math.MaxInt}
	narrow := func(lo, hi int) { q.idLo, q.idHi = max(q.idLo, lo), min(q.idHi, hi) }
	if p.FilterId != nil {
		narrow(*p.FilterId, *p.FilterId)
	}
	if p.FilterIdGt != nil {
		if *p.FilterIdGt == math.MaxInt {
			narrow(1, 0) // nothing is greater
		} else {
			narrow(*p.FilterIdGt+1, math.MaxInt)
		}
	}
	if p.FilterIdLt != nil {
		if *p.FilterIdLt == math.MinInt {
			narrow(1, 0)
		} else {
			narrow(math.MinInt, *p.FilterIdLt-1)
		}
	}
	if p.FilterIdBetween != nil {
		if lo, hi, ok := idBetween(*p.FilterIdBetween); ok {
			narrow(lo, hi)
		}
	}
	eq := func(field string, v *string) {
		if v != nil {
			q.eqs = append(q.eqs, eqFilter{field, *v})
		}
	}
	if p.FilterStatus != nil {
		eq("status", (*string)(p.FilterStatus))
	}
	eq("number", p.FilterNumber)
	if p.FilterDeleted != nil {
		eq("deleted", new(boolText(*p.FilterDeleted)))
	}
	eq("email", p.FilterEmail)
	eq("personal_number", p.FilterPersonalNumber)
	return q
}

// paging returns the page size and number: page[size] with page[number] when page[size] is given (a
// plain page is then ignored), else page (or page[number]) with the default size.
func paging(p timewaveapi.ListClientsParams) (size, page int, err error) {
	size, page = DefaultPageSize, 1
	switch {
	case p.PageSize != nil:
		size = *p.PageSize
		if p.PageNumber != nil {
			page = *p.PageNumber
		}
	case p.Page != nil:
		page = *p.Page
	case p.PageNumber != nil:
		page = *p.PageNumber
	}
	// The request validator refuses these already; the checks keep the arithmetic safe without it.
	if size < 1 || size > MaxPageSize {
		return 0, 0, queryError("page[size]", fmt.Sprintf("The page[size] must be between 1 and %d.", MaxPageSize))
	}
	if page < 1 {
		return 0, 0, queryError("page", "The page must be at least 1.")
	}
	return size, page, nil
}

// sortKey is one client's value of a sort field: a string, a number, or null.
type sortKey struct {
	null  bool
	isStr bool
	str   string
	num   float64
}

func strKey[T ~string](s *T) sortKey {
	if s == nil {
		return sortKey{null: true}
	}
	return sortKey{isStr: true, str: string(*s)}
}

func intKey(n *int) sortKey {
	if n == nil {
		return sortKey{null: true}
	}
	return sortKey{num: float64(*n)}
}

func boolKey(b bool) sortKey {
	if b {
		return sortKey{num: 1}
	}
	return sortKey{}
}

func keyOf(c *timewaveapi.Client, field string) sortKey {
	switch field {
	case "status":
		return sortKey{isStr: true, str: string(c.Status)}
	case "title":
		return strKey(c.Title)
	case "number":
		return strKey(c.Number)
	case "deleted":
		return boolKey(c.Deleted)
	case "phone":
		return strKey(c.Phone)
	case "mobile":
		return strKey(c.Mobile)
	case "paymentterms":
		return strKey(c.Paymentterms)
	case "email":
		return strKey(c.Email)
	case "clientnbr":
		return sortKey{num: float64(c.Clientnbr)}
	case "employee_id":
		return intKey(c.EmployeeId)
	case "paymenttype":
		return sortKey{num: float64(c.Paymenttype)}
	case "hourpot":
		if c.Hourpot == nil {
			return sortKey{null: true}
		}
		return sortKey{num: *c.Hourpot}
	case "fax":
		return strKey(c.Fax)
	case "workphone":
		return strKey(c.Workphone)
	case "has_hourpot":
		return boolKey(c.HasHourpot)
	case "secondary_email":
		return strKey(c.SecondaryEmail)
	case "www":
		return strKey(c.Www)
	case "invoicetemplate_id":
		return intKey(c.InvoicetemplateId)
	case "first_name":
		return strKey(c.FirstName)
	case "last_name":
		return strKey(c.LastName)
	case "company_name":
		return strKey(c.CompanyName)
	case "personal_number":
		return strKey(c.PersonalNumber)
	case "invoice_fee_id":
		return intKey(c.InvoiceFeeId)
	}
	return sortKey{num: float64(c.Id)}
}

func compareKeys(a, b sortKey) int {
	switch {
	case a.null && b.null:
		return 0
	case a.null:
		return -1
	case b.null:
		return 1
	case a.isStr:
		return strings.Compare(a.str, b.str)
	}
	return cmp.Compare(a.num, b.num)
}

// sortHits orders by the sort key (null first ascending, last descending, as MySQL does); ties keep
// id order, ascending in both directions.
func sortHits(hits []hit, desc bool) {
	slices.SortFunc(hits, func(a, b hit) int {
		c := compareKeys(a.key, b.key)
		if desc {
			c = -c
		}
		if c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
}

func notFound(key any) timewaveapi.NotFoundJSONResponse {
	return timewaveapi.NotFoundJSONResponse{Message: fmt.Sprintf(`No query results for model [App\Models\Client] %v`, key)}
}

// GetClient implements GET /clients/{id}.
func (m *Mock) GetClient(_ context.Context, req timewaveapi.GetClientRequestObject) (timewaveapi.GetClientResponseObject, error) {
	m.mu.RLock()
	r, ok := m.store.get(req.Id)
	m.mu.RUnlock()
	if !ok {
		return timewaveapi.GetClient404JSONResponse{NotFoundJSONResponse: notFound(req.Id)}, nil
	}
	return timewaveapi.GetClient200JSONResponse{Data: m.view(r)}, nil
}

// FindClientByNumber implements GET /clients/findByNumber/{number}.
func (m *Mock) FindClientByNumber(_ context.Context, req timewaveapi.FindClientByNumberRequestObject) (timewaveapi.FindClientByNumberResponseObject, error) {
	m.mu.RLock()
	r, ok := m.store.byNumber(req.Number)
	m.mu.RUnlock()
	if !ok {
		return timewaveapi.FindClientByNumber404JSONResponse{NotFoundJSONResponse: notFound(req.Number)}, nil
	}
	return timewaveapi.FindClientByNumber200JSONResponse{Data: m.view(r)}, nil
}

// CreateClient implements POST /clients. The schema's violations of the body (mockkit hands them
// over) and the rules a schema cannot express are checked under the write lock, and nothing is stored
// unless all of them hold.
func (m *Mock) CreateClient(ctx context.Context, req timewaveapi.CreateClientRequestObject) (timewaveapi.CreateClientResponseObject, error) {
	if req.Body == nil {
		return nil, mockkit.Errorf(http.StatusBadRequest, "the request body is missing")
	}
	b := *req.Body
	raw, err := ruleInput(ctx, b)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	fe := bodyErrors(mockkit.RequestViolations(ctx))
	fe.merge(m.ruleErrors(opCreateClient, raw, nil))
	if len(fe) > 0 {
		return timewaveapi.CreateClient422JSONResponse{UnprocessableEntityJSONResponse: timewaveapi.UnprocessableEntityJSONResponse(fe.body())}, nil
	}
	s := m.store
	id := s.nextID
	c := timewaveapi.Client{
		Id:                id,
		Clientnbr:         s.nextClientnbr,
		Status:            deref(b.Status, timewaveapi.ClientStatusActive),
		Title:             b.Title,
		Number:            b.Number,
		Phone:             b.Phone,
		Mobile:            b.Mobile,
		Paymentterms:      b.Paymentterms,
		Email:             b.Email,
		EmployeeId:        b.EmployeeId,
		Paymenttype:       deref(b.PaymentType, timewaveapi.PaymentTypePrint),
		Hourpot:           b.Hourpot,
		Fax:               b.Fax,
		Workphone:         b.Workphone,
		HasHourpot:        deref(b.HasHourpot, false),
		SecondaryEmail:    b.SecondaryEmail,
		Www:               b.Www,
		InvoicetemplateId: b.InvoicetemplateId,
		FirstName:         b.FirstName,
		LastName:          b.LastName,
		CompanyName:       b.CompanyName,
		PersonalNumber:    b.PersonalNumber,
		InvoiceFeeId:      b.InvoiceFeeId,
		FullReductionPot:  deref(b.FullReductionPot, timewaveapi.FullReductionPotYes),
		Contacts:          []timewaveapi.ClientContact{},
		Addresses:         []timewaveapi.ClientAddress{},
		References:        []timewaveapi.Reference{},
	}
	c.Type = kindOf(c.CompanyName)
	addr := func(in *timewaveapi.AddressInput, delivery, invoice bool) {
		if in == nil {
			return
		}
		a := timewaveapi.ClientAddress{
			Id: s.nextAddressID, ClientId: id, Address: in.Address, City: in.City, PostalCode: in.PostalCode,
			IsDelivery: delivery, IsInvoice: invoice,
		}
		if in.WorkareaId != nil {
			w := m.ref.workareas[*in.WorkareaId] // checked by ruleErrors
			a.Workarea = &w
		}
		s.nextAddressID++
		c.Addresses = append(c.Addresses, a)
	}
	addr(b.Address, b.DeliveryAddress == nil, b.InvoiceAddress == nil)
	addr(b.DeliveryAddress, true, false)
	addr(b.InvoiceAddress, false, true)
	if b.References != nil {
		for _, in := range *b.References {
			c.References = append(c.References, timewaveapi.Reference{Id: s.nextReferenceID, Name: in.Name, Description: in.Description})
			s.nextReferenceID++
		}
	}
	r := record{
		client: c, bankID: b.BankId, clienttypeID: b.ClienttypeId, vat: b.Vat, comment: b.Comment,
		referenceName: b.ReferenceName, taxreductionPercentage: b.TaxreductionPercentage,
	}
	s.add(r)
	s.nextID++
	s.nextClientnbr++
	return timewaveapi.CreateClient201JSONResponse{Data: m.view(r)}, nil
}

// UpdateClient implements PUT /clients/{id}: the given fields replace the stored ones, the others are
// kept. An unknown client is answered 404 before the body is looked at (Laravel's route-model
// binding); then the schema's violations and the rules are checked and the client written under one
// lock; a rejected update changes nothing.
func (m *Mock) UpdateClient(ctx context.Context, req timewaveapi.UpdateClientRequestObject) (timewaveapi.UpdateClientResponseObject, error) {
	if req.Body == nil {
		return nil, mockkit.Errorf(http.StatusBadRequest, "the request body is missing")
	}
	b := *req.Body
	raw, err := ruleInput(ctx, b)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.store.get(req.Id)
	if !ok {
		return timewaveapi.UpdateClient404JSONResponse{NotFoundJSONResponse: notFound(req.Id)}, nil
	}
	fe := bodyErrors(mockkit.RequestViolations(ctx))
	fe.merge(m.ruleErrors(opUpdateClient, raw, &r))
	if len(fe) > 0 {
		return timewaveapi.UpdateClient422JSONResponse{UnprocessableEntityJSONResponse: timewaveapi.UnprocessableEntityJSONResponse(fe.body())}, nil
	}
	c := &r.client
	set(&c.Status, b.Status)
	setPtr(&c.Title, b.Title)
	setPtr(&c.Number, b.Number)
	setPtr(&c.Phone, b.Phone)
	setPtr(&c.Mobile, b.Mobile)
	setPtr(&c.Paymentterms, b.Paymentterms)
	setPtr(&c.Email, b.Email)
	setPtr(&c.EmployeeId, b.EmployeeId)
	set(&c.Paymenttype, b.PaymentType)
	setPtr(&c.Hourpot, b.Hourpot)
	setPtr(&c.Fax, b.Fax)
	setPtr(&c.Workphone, b.Workphone)
	set(&c.HasHourpot, b.HasHourpot)
	setPtr(&c.SecondaryEmail, b.SecondaryEmail)
	setPtr(&c.Www, b.Www)
	setPtr(&c.InvoicetemplateId, b.InvoicetemplateId)
	setPtr(&c.FirstName, b.FirstName)
	setPtr(&c.LastName, b.LastName)
	if b.CompanyName != nil {
		c.CompanyName = b.CompanyName
		c.Type = kindOf(c.CompanyName)
	}
	setPtr(&c.PersonalNumber, b.PersonalNumber)
	setPtr(&c.InvoiceFeeId, b.InvoiceFeeId)
	set(&c.FullReductionPot, b.FullReductionPot)
	setPtr(&r.vat, b.Vat)
	setPtr(&r.bankID, b.BankId)
	setPtr(&r.clienttypeID, b.ClienttypeId)
	setPtr(&r.referenceName, b.ReferenceName)
	setPtr(&r.comment, b.Comment)
	if b.References != nil {
		refs := slices.Clone(c.References) // never change the stored slice in place
		for _, in := range *b.References {
			i := slices.IndexFunc(refs, func(x timewaveapi.Reference) bool { return x.Id == in.Id }) // exists: checked
			refs[i].Name = in.Name
			if in.Description != nil {
				refs[i].Description = in.Description
			}
		}
		c.References = refs
	}
	m.store.put(req.Id, r)
	return timewaveapi.UpdateClient200JSONResponse{Data: m.view(r)}, nil
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func setPtr[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}

// kindOf is the client's type: a company when it has a company name (inferred).
func kindOf(companyName *string) timewaveapi.ClientKind {
	if companyName != nil && strings.TrimSpace(*companyName) != "" {
		return timewaveapi.ClientKindCompany
	}
	return timewaveapi.ClientKindPerson
}

// ruleInput is the generic JSON the rule checks read: the body as the client sent it when it broke the
// schema (the bound value then lacks what had the wrong type), else the bound value.
func ruleInput(ctx context.Context, bound any) (map[string]any, error) {
	if sent := mockkit.RequestBody(ctx); mockkit.RequestViolations(ctx) != nil && sent != nil {
		var raw map[string]any
		_ = json.Unmarshal(sent, &raw) // validated as an object; a number beyond float64 is left out
		return raw, nil
	}
	return asMap(bound)
}

// bodyBinder binds request bodies only, as the generated handlers do with Echo's default binder. When
// mockkit handed the body's violations to the handler, a value of the wrong type is left out instead
// of failing the binding: the violations name it, and the handler answers 422.
type bodyBinder struct{ echo.DefaultBinder }

func (b bodyBinder) Bind(i any, c echo.Context) error {
	err := b.BindBody(c, i)
	if err != nil && mockkit.RequestViolations(c.Request().Context()) != nil {
		return nil
	}
	return err
}

// asMap turns a decoded body back into generic JSON, the form the rule checks read (they also run on
// raw bodies that failed the schema).
func asMap(v any) (map[string]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode body: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("decode body: %w", err)
	}
	return out, nil
}
