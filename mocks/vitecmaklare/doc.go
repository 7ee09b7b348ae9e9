// Package vitecmaklare is the mock of the Vitec Mäklare Connect CRM contact API
// (GET /CRM/Contact/{customerId}/{contactId}). EncodeXML writes a body in the DataContract XML form the
// vendor's ASP.NET Web API writes.
package vitecmaklare
