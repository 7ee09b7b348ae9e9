package anonymize

// The synthetic values: small lists of Nordic names, streets and places. None of the names, streets
// or towns occurs in the mocks' fixtures, so a test can tell a replaced value from an original one.

var givenNames = []string{
	"Alvar", "Bodil", "Disa", "Edvin", "Folke", "Gudrun", "Hjalmar", "Idun", "Joar", "Kåre",
	"Liv", "Njål", "Oddny", "Ragnvald", "Sölve", "Tyra", "Unni", "Valdemar", "Yngve", "Åsmund",
	"Embla", "Brage", "Eira", "Frøydis", "Gorm", "Hallvard", "Inga", "Jorunn", "Ketil", "Lykke",
	"Nanna", "Ottar", "Ragna", "Sune", "Tuva", "Vilgot", "Signy", "Torvald", "Majken", "Evert",
}

var familyNames = []string{
	"Almqvist", "Bergstrand", "Dalén", "Ekdahl", "Fagerlund", "Grönvall", "Hedin", "Ingvarsson",
	"Juhlin", "Kvarnström", "Lilja", "Myrberg", "Norén", "Ohlin", "Palm", "Rydén", "Stenmark",
	"Tidholm", "Uddén", "Västberg", "Brekke", "Dybvik", "Fossum", "Grønli", "Haugland", "Kvamme",
	"Myklebust", "Nygaard", "Rustad", "Skogen", "Thorsen", "Vatne", "Aasland",
}

var companyWords = []string{
	"Blåklint", "Ekorrbo", "Hjortron", "Kråkvik", "Lodjur", "Multebær", "Rypeli", "Snöripa",
	"Vildros", "Tranbär", "Myrull", "Fjellrev", "Havgløtt", "Åkerbär", "Lomviken", "Reinlav",
}

var companyTrades = []string{"Bygg", "Konsult", "Fastigheter", "Elektro", "Transport", "Regnskap", "Design", "Service"}

var legalForms = map[string]bool{"AB": true, "AS": true, "ASA": true, "HB": true, "KB": true, "ANS": true, "DA": true, "ENK": true, "Ltd": true, "Oy": true}

var notesSE = []string{"Anteckning ersatt vid inspelning.", "Kunden önskar kontakt via e-post.", "Kunden nås bäst på förmiddagen."}

var notesNO = []string{"Merknad erstattet ved opptak.", "Kunden ønsker kontakt på dagtid.", "Kunden foretrekker e-post."}

// place is a postal code and its town.
type place struct{ code, city string }

var streetsSE = []string{"Lärkstigen", "Mjölnargränd", "Syrengatan", "Humlegårdsvägen", "Vallmovägen", "Tegelbruksvägen", "Gjutargatan", "Klövervägen", "Hasselstigen"}

var streetsNO = []string{"Rognstien", "Lyngveien", "Blåbærstien", "Tyttebærveien", "Smedbakken", "Seljeveien", "Bekkefaret", "Hegglia", "Nøtteveien", "Lerkeveien"}

var placesSE = []place{
	{"961 31", "Boden"}, {"811 30", "Sandviken"}, {"573 31", "Tranås"}, {"681 30", "Kristinehamn"},
	{"441 30", "Alingsås"}, {"952 31", "Kalix"}, {"761 30", "Norrtälje"}, {"311 30", "Falkenberg"},
}

var placesNO = []place{
	{"3513", "Hønefoss"}, {"7713", "Steinkjer"}, {"8301", "Svolvær"}, {"3724", "Skien"},
	{"6413", "Molde"}, {"2815", "Gjøvik"}, {"4306", "Sandnes"}, {"9510", "Alta"},
}
