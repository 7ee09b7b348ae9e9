package anonymize

// The synthetic values: small lists of common Nordic names, streets and places. None of them is taken
// from the mocks' fixtures, so a test can tell a replaced value from an original one.

var givenNames = []string{
	"Agnes", "Alma", "Astrid", "Birgitta", "Dagny", "Ebba", "Elsa", "Frida", "Greta", "Hedda",
	"Ida", "Linnea", "Malin", "Nora", "Ronja", "Signe", "Tilde", "Vera", "Wilma", "Ylva",
	"Anders", "Arvid", "Eskil", "Filip", "Gunnar", "Halvard", "Isak", "Kjell", "Leif", "Magnus",
	"Nils", "Olof", "Rasmus", "Sigurd", "Stig", "Torbjørn", "Ulf", "Vidar", "Viggo", "Åke",
}

var familyNames = []string{
	"Axelsson", "Berglund", "Dahlberg", "Engström", "Falk", "Gustavsson", "Hägglund", "Isaksson",
	"Jakobsen", "Karlsen", "Lie", "Moen", "Nordin", "Ottesen", "Pettersen", "Qvist", "Rønning",
	"Sandberg", "Tangen", "Unger", "Vik", "Wallin", "Ødegård", "Åkesson", "Bakken", "Eide",
	"Halvorsen", "Holmberg", "Lundqvist", "Sjöberg",
}

var companyWords = []string{
	"Fjällbris", "Havsörn", "Kvarnbäck", "Lövhagen", "Myrstack", "Norrsken", "Solberga", "Tallmo",
	"Vinterhav", "Älvdal", "Bjørkli", "Fjordly", "Granly", "Lyngheim", "Skogvang", "Tindved",
}

var companyTrades = []string{"Bygg", "Konsult", "Fastigheter", "Elektro", "Transport", "Regnskap", "Design", "Service"}

var legalForms = map[string]bool{"AB": true, "AS": true, "ASA": true, "HB": true, "KB": true, "ANS": true, "DA": true, "ENK": true, "Ltd": true, "Oy": true}

var notes = []string{
	"Anteckning ersatt vid inspelning.",
	"Merknad erstattet ved opptak.",
	"Kunden önskar kontakt via e-post.",
	"Kunden ønsker kontakt på dagtid.",
}

// place is a postal code and its town.
type place struct{ code, city string }

var streetsSE = []string{"Lingonvägen", "Smedjegatan", "Ekbacken", "Hamnvägen", "Skolgatan", "Prästgårdsvägen", "Ängsvägen", "Kvarngatan", "Tallstigen", "Bruksgatan"}

var streetsNO = []string{"Bjørkeveien", "Kirkegata", "Solbakken", "Fjellveien", "Skoleveien", "Havnegata", "Granlia", "Elvebakken", "Furuveien", "Møllegata"}

var placesSE = []place{
	{"722 11", "Västerås"}, {"891 33", "Örnsköldsvik"}, {"352 30", "Växjö"}, {"831 30", "Östersund"},
	{"671 31", "Arvika"}, {"541 30", "Skövde"}, {"972 31", "Luleå"}, {"621 55", "Visby"},
}

var placesNO = []place{
	{"3015", "Drammen"}, {"4611", "Kristiansand"}, {"8006", "Bodø"}, {"2317", "Hamar"},
	{"6002", "Ålesund"}, {"1606", "Fredrikstad"}, {"3616", "Kongsberg"}, {"9406", "Harstad"},
}
