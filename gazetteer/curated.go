package gazetteer

// area is an island or region that no populated place or border feature
// names, with a point on land inside it.
type area struct {
	name, country string
	lat, lon      float64
	note          string
}

// areas are islands and regions people ask about that the border data does
// not draw on its own. The point is inside the area, on land; note says
// where. Coordinates are rounded to about a kilometre.
var areas = []area{
	{"Gotland", "SE", 57.47, 18.49, "the middle of the island"},
	{"Bornholm", "DK", 55.12, 14.92, "the middle of the island"},
	{"Saaremaa", "EE", 58.42, 22.50, "the middle of the island"},
	{"Hiiumaa", "EE", 58.88, 22.63, "the middle of the island"},
	{"Crete", "GR", 35.24, 24.90, "the middle of the island"},
	{"Rhodes", "GR", 36.20, 27.95, "the middle of the island"},
	{"Lesbos", "GR", 39.20, 26.25, "the middle of the island"},
	{"Gavdos", "GR", 34.85, 24.08, "the island south of Crete"},
	{"Sicily", "IT", 37.55, 14.15, "the middle of the island"},
	{"Sardinia", "IT", 40.05, 9.05, "the middle of the island"},
	{"Lampedusa", "IT", 35.51, 12.60, "the island"},
	{"Pantelleria", "IT", 36.79, 11.99, "the island"},
	{"Corsica", "FR", 42.15, 9.10, "the middle of the island"},
	{"Spitsbergen", "NO", 78.60, 16.00, "the middle of the island"},
	{"Bear Island", "NO", 74.43, 19.05, "Bjørnøya, in the Svalbard archipelago"},
	{"Crimea", "UA", 45.00, 34.10, "the middle of the peninsula"},
	{"Kaliningrad Oblast", "RU", 54.75, 21.50, "the middle of the exclave"},
	{"Pituffik Space Base", "GL", 76.53, -68.70, "formerly Thule Air Base"},
}

// spelling is another name for a place the gazetteer holds under name in
// country: an English or local form, a former name, a transliteration.
type spelling struct{ alt, name, country string }

var spellings = []spelling{
	{"Kiev", "Kyiv", "UA"}, {"Kharkov", "Kharkiv", "UA"}, {"Odesa", "Odessa", "UA"},
	{"Lvov", "Lviv", "UA"}, {"Lwów", "Lviv", "UA"}, {"Lemberg", "Lviv", "UA"},
	{"Mykolaiv", "Mykolayiv", "UA"}, {"Nikolaev", "Mykolayiv", "UA"}, {"Zaporizhzhia", "Zaporizhia", "UA"},
	{"Zaporozhye", "Zaporizhia", "UA"}, {"Dnipropetrovsk", "Dnipro", "UA"}, {"Dnepr", "Dnipro", "UA"},
	{"Chernigov", "Chernihiv", "UA"}, {"Lugansk", "Luhansk", "UA"},
	{"Warszawa", "Warsaw", "PL"}, {"Danzig", "Gdańsk", "PL"}, {"Praha", "Prague", "CZ"},
	{"Wien", "Vienna", "AT"}, {"München", "Munich", "DE"}, {"Cologne", "Köln", "DE"},
	{"Moskva", "Moscow", "RU"}, {"Leningrad", "Saint Petersburg", "RU"}, {"St Petersburg", "Saint Petersburg", "RU"},
	{"Königsberg", "Kaliningrad", "RU"}, {"Reval", "Tallinn", "EE"}, {"Vilna", "Vilnius", "LT"},
	{"Wilno", "Vilnius", "LT"}, {"Pressburg", "Bratislava", "SK"}, {"Bruxelles", "Brussels", "BE"},
	{"Brussel", "Brussels", "BE"}, {"Antwerp", "Antwerpen", "BE"}, {"Lisboa", "Lisbon", "PT"},
	{"København", "Copenhagen", "DK"}, {"Roma", "Rome", "IT"}, {"Napoli", "Naples", "IT"},
	{"Firenze", "Florence", "IT"}, {"Milano", "Milan", "IT"}, {"Venezia", "Venice", "IT"},
	{"Torino", "Turin", "IT"}, {"Athina", "Athens", "GR"}, {"Constantinople", "Istanbul", "TR"},
	{"București", "Bucharest", "RO"}, {"Beograd", "Belgrade", "RS"}, {"Tiflis", "Tbilisi", "GE"},
	{"Kishinev", "Chisinau", "MD"}, {"Den Haag", "The Hague", "NL"}, {"Geneva", "Genève", "CH"},
	{"Genf", "Genève", "CH"}, {"Seville", "Sevilla", "ES"}, {"Las Palmas", "Las Palmas de Gran Canaria", "ES"},
	{"Washington", "Washington, D.C.", "US"}, {"Washington DC", "Washington, D.C.", "US"},
	{"Godthåb", "Nuuk", "GL"}, {"Thule Air Base", "Pituffik Space Base", "GL"}, {"Prishtina", "Pristina", "XK"},
	{"Canaries", "Canary Islands", "ES"}, {"Faeroe Islands", "Faroe Islands", "DK"}, {"Faroes", "Faroe Islands", "DK"},
	{"Falklands", "Falkland Islands", "GB"}, {"Malvinas", "Falkland Islands", "GB"}, {"Açores", "Azores", "PT"},
	{"Åland", "Åland Islands", "FI"}, {"Ahvenanmaa", "Åland Islands", "FI"}, {"Ródos", "Rhodes", "GR"},
	{"Kalaallit Nunaat", "Greenland", "DK"}, {"Krym", "Crimea", "UA"}, {"Sicilia", "Sicily", "IT"},
	{"Holland", "Netherlands", "NL"}, {"Britain", "United Kingdom", "GB"}, {"USA", "United States", "US"},
}
