// Package xmlcodec reads and writes the XML bodies of the specs, driven by a schema and its xml
// objects: Decode (and BodyDecoder, which specs registers with kin-openapi for application/xml and
// text/xml) turns XML into the JSON shape the schema describes, so that it validates like JSON;
// Encode writes a JSON value in the DataContract form of an ASP.NET Web API (Vitec Mäklare's).
//
// Non-goals: XML in general (no DTDs, processing instructions or mixed content), and validation
// (specs validates the decoded value).
package xmlcodec
