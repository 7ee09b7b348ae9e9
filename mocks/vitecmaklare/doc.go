// Package vitecmaklare is the mock of the Vitec Mäklare Connect CRM contact API
// (GET /CRM/Contact/{customerId}/{contactId} on https://connect.maklare.vitec.net).
//
// Scope: what the vendor's help page documents, and what ASP.NET Web API (the vendor's stack) does
// around it, as the spec specs/vitecmaklare/openapi.yaml records it:
//   - HTTP Basic auth. A missing, malformed (bad base64, no colon, another scheme, an empty value) or
//     wrong Authorization header is answered 401 {"message": "Authorization has been denied for this
//     request."}. Credentials grant access to a set of customer ids (Config.Users): by default
//     mock-user / mock-password may read customer M30011 but not M40022, which exists and is answered
//     403. A customer id the credentials do not name is 403 whether it exists or not (so the answer does
//     not tell); a contact missing under a readable customer is 404 {"message": "Kontakten X hittades
//     inte."}; an id over 40 characters is 400 with modelState.
//   - Contacts of three types (Person, Company, DeceasedEstate), each with the members of its own type,
//     served from embedded fixtures (fixtures/contacts.json: customers M30011 and M40022). JSON is the
//     fixture's own text, so datetimes keep the vendor's seven fractional digits and offset.
//   - Content negotiation on Accept: application/json, text/json, application/xml or text/xml, answered
//     with exactly that type plus "; charset=utf-8". q-values are honoured and q=0 excludes a type; the
//     most specific matching range sets a type's q; ties go to the more specific range, then to JSON
//     before XML and application/ before text/. JSON is the answer when Accept is missing, is */* or
//     application/*, names only types the API does not write (text/html), or excludes them all: Web API
//     falls back to JSON rather than answering 406, and so does the mock. Errors are negotiated the same
//     way.
//   - XML in the DataContract form (xmlcodec.Encode): root CrmContact in the Crm namespace with i:type naming
//     the derived contract, the d2p1 namespaces on Email and Categories, i:nil for null, base members
//     then derived members, each group alphabetical (fixtures/README.md). Errors in XML are Web API's
//     HttpError: <Error><Message>…</Message></Error>, with <MessageDetail> and <ModelState> where JSON
//     has messageDetail and modelState.
//   - Web API's own 404 for a path that matches no route ("No HTTP resource was found that matches the
//     request URI '…'." with messageDetail), 405 for another method.
//
// Non-goals: the vendor's other functions (the CRM write functions, estates, showings) are not mocked;
// the store is read-only. Route and id matching is case-sensitive (Web API's routing is not). No
// WWW-Authenticate challenge is sent (the vendor documents none). Rate limits and the QA host are not
// modelled.
package vitecmaklare
