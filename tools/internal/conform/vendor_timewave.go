package conform

import "context"

// timewaveVendor: the client register's life cycle, create → get → update → list (it writes). The
// spec's renameReference example changes reference 501, which belongs to client 1002 of the examples.
func timewaveVendor() Vendor {
	return Vendor{
		ExamplePaths: map[string]map[string]string{"updateClient renameReference": {"id": "1002"}},
		// 422: the exists-in rules (clienttype_id, bank_id, workarea_id, a reference of another client)
		// and secondary_email being mandatory with payment_type 2, which no schema can say.
		RuleStatuses: map[string][]int{"createClient": {422}, "updateClient": {422}},
		Flows: []Flow{{
			Name:        "create-get-update-list",
			Description: "createClient, then getClient finds it, updateClient changes its status, and listClients filtered on its id shows the change",
			Operations:  []string{"createClient", "getClient", "updateClient", "listClients"},
			Writes:      true,
			Run:         timewaveClientFlow,
		}},
	}
}

func timewaveClientFlow(ctx context.Context, s *Session) error {
	created, err := s.Call(ctx, "createClient", Input{Example: "person"})
	if err != nil {
		return err
	}
	id := lookupString(created.Body, "data.id")
	if id == "" {
		return s.Errorf("the created client has no data.id")
	}
	got, err := s.Call(ctx, "getClient", Input{Path: map[string]string{"id": id}})
	if err != nil {
		return err
	}
	for _, field := range []string{"data.id", "data.first_name", "data.last_name", "data.personal_number", "data.email"} {
		if want, have := lookupString(created.Body, field), lookupString(got.Body, field); want != have {
			return s.Errorf("%s is %q, the created client had %q", field, have, want)
		}
	}
	const status = "inactive"
	updated, err := s.Call(ctx, "updateClient", Input{Path: map[string]string{"id": id}, Body: map[string]any{"status": status}})
	if err != nil {
		return err
	}
	if have := lookupString(updated.Body, "data.status"); have != status {
		return s.Errorf("data.status is %q after the update, want %q", have, status)
	}
	again, err := s.Call(ctx, "getClient", Input{Path: map[string]string{"id": id}})
	if err != nil {
		return err
	}
	if have := lookupString(again.Body, "data.status"); have != status {
		return s.Errorf("data.status is %q when got after the update, want %q", have, status)
	}
	list, err := s.Call(ctx, "listClients", Input{Query: map[string]string{"filter[id]": id}})
	if err != nil {
		return err
	}
	if have := lookupString(list.Body, "data.0.id"); have != id {
		return s.Errorf("listClients filtered on id %s lists %q first, want the created client", id, have)
	}
	if have := lookupString(list.Body, "data.0.status"); have != status {
		return s.Errorf("listClients shows status %q, want %q", have, status)
	}
	return nil
}
