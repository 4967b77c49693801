// Package rules holds the North Atlantic Treaty's rules as code: Article 5
// as limited by Article 6 (as amended in 1951) for an attack at a place and
// date, Articles 4, 10, 11 and 13, and the protection profile of a state.
// Each rule quotes the text it implements. Where the text does not settle a
// case and commentators disagree, the answer is "disputed", never a guess.
package rules

import (
	"strings"

	"alliance"
)

// Article is a clause of the North Atlantic Treaty with its text.
type Article struct {
	Clause string          `json:"clause"`
	Text   string          `json:"text"`
	Source alliance.Source `json:"source"`
}

var treatySource = alliance.Source{URL: "https://www.nato.int/archives/1st5years/annexes/a.htm", Title: "The North Atlantic Treaty (NATO archives, text of 1949)"}

var protocol1951 = alliance.Source{URL: "http://athena.hri.org/docs/NATO/grturk.html", Title: "Protocol to the North Atlantic Treaty on the Accession of Greece and Turkey (1951)"}

// Articles are the clauses the rules implement, by clause name.
var Articles = map[string]Article{
	"Art. 4":    {"Art. 4", "The Parties will consult together whenever, in the opinion of any of them, the territorial integrity, political independence or security of any of the Parties is threatened.", treatySource},
	"Art. 5":    {"Art. 5", "The Parties agree that an armed attack against one or more of them in Europe or North America shall be considered an attack against them all and consequently they agree that, if such an armed attack occurs, each of them, in exercise of the right of individual or collective self-defence recognised by Article 51 of the Charter of the United Nations, will assist the Party or Parties so attacked by taking forthwith, individually and in concert with the other Parties, such action as it deems necessary, including the use of armed force, to restore and maintain the security of the North Atlantic area.", treatySource},
	"Art. 6(1)": {"Art. 6(1)", "For the purpose of Article 5, an armed attack on one or more of the Parties is deemed to include an armed attack on the territory of any of the Parties in Europe or North America, on the Algerian Departments of France, on the territory of Turkey or on the Islands under the jurisdiction of any of the Parties in the North Atlantic area north of the Tropic of Cancer.", protocol1951},
	"Art. 6(2)": {"Art. 6(2)", "... on the forces, vessels, or aircraft of any of the Parties, when in or over these territories or any other area in Europe in which occupation forces of any of the Parties were stationed on the date when the Treaty entered into force or the Mediterranean Sea or the North Atlantic area north of the Tropic of Cancer.", protocol1951},
	"Art. 10":   {"Art. 10", "The Parties may, by unanimous agreement, invite any other European State in a position to further the principles of this Treaty and to contribute to the security of the North Atlantic area to accede to this Treaty. Any State so invited may become a Party to the Treaty by depositing its instrument of accession with the Government of the United States of America.", treatySource},
	"Art. 11":   {"Art. 11", "This Treaty shall be ratified and its provisions carried out by the Parties in accordance with their respective constitutional processes. ... The Treaty shall enter into force between the States which have ratified it as soon as the ratifications of the majority of the signatories, including the ratifications of Belgium, Canada, France, Luxembourg, the Netherlands, the United Kingdom and the United States, have been deposited.", treatySource},
	"Art. 13":   {"Art. 13", "After the Treaty has been in force for twenty years, any Party may cease to be a Party one year after its notice of denunciation has been given to the Government of the United States of America, which will inform the Governments of the other Parties of the deposit of each notice of denunciation.", treatySource},
}

// InForce is the day the North Atlantic Treaty entered into force.
var InForce = alliance.MustDate("1949-08-24")

// AmendedInForce is the day Article 6 as amended by Article II of the
// Protocol on the Accession of Greece and Turkey (London, 22 October 1951)
// took effect: the day Turkey deposited its instrument of accession. Before
// it, the 1949 wording decides.
var AmendedInForce = alliance.MustDate("1952-02-18")

// AlgeriaIndependent is the day from which the words on the Algerian
// Departments of France no longer applied (Algeria's independence).
var AlgeriaIndependent = alliance.MustDate("1962-07-03")

// statutes1949 is the authentic text of 1949 as printed in the United States
// Statutes at Large. The French text read there, equally authentic:
// "Pour l'application de l'Article 5, est considérée comme une attaque armée
// contre une ou plusieurs des Parties: une attaque armée contre le territoire
// de l'une d'elles en Europe ou en Amérique du Nord, contre les départements
// français d'Algérie, contre les forces d'occupation de l'une quelconque des
// Parties en Europe, contre les îles placées sous la juridiction de l'une des
// Parties dans la région de l'Atlantique Nord au nord du Tropique du Cancer
// ou contre les navires ou aéronefs de l'une des Parties dans la même région."
var statutes1949 = alliance.Source{URL: "https://en.m.wikisource.org/wiki/Page:United_States_Statutes_at_Large_Volume_63_Part_2.djvu/945", Title: "North Atlantic Treaty, 4 April 1949, 63 Stat. 2241 (United States Statutes at Large, vol. 63 part 2), Article 6"}

// article6of1949 is Article 6 as signed on 4 April 1949, in force until the
// 1951 protocol amended it: one sentence, with occupation forces anywhere in
// Europe and vessels or aircraft only in the North Atlantic area north of
// the Tropic of Cancer (not the Mediterranean), and no Turkey.
var article6of1949 = Article{"Art. 6 (1949)", "For the purpose of Article 5 an armed attack on one or more of the Parties is deemed to include an armed attack on the territory of any of the Parties in Europe or North America, on the Algerian departments of France, on the occupation forces of any Party in Europe, on the islands under the jurisdiction of any Party in the North Atlantic area north of the Tropic of Cancer or on the vessels or aircraft in this area of any of the Parties.", statutes1949}

// senateReport1952 is the US Senate Foreign Relations Committee's report
// on the 1951 protocol (21 January 1952), on what the protocol added to
// the area of Article 6.
var senateReport1952 = alliance.Source{URL: "https://books.google.ro/books?id=vEI3AAAAIAAJ&pg=PA871", Title: "Report of the Senate Committee on Foreign Relations on the Protocol on the Accession of Greece and Turkey, 21 January 1952 (reprinted in a documents volume, Google Books copy, p. 871)"}

// algerianWords are the words of Art. 6(1) that ceased to apply on
// Algeria's independence.
const algerianWords = "on the Algerian Departments of France, "

// Article6 returns the clause of Article 6 ("Art. 6(1)" for territory,
// "Art. 6(2)" for forces) with the wording in force on date d: the 1949
// sentence before AmendedInForce (whatever clause is asked), the amended
// text after, with the Algerian words marked as no longer applying from
// AlgeriaIndependent.
func Article6(clause string, d alliance.Date) Article {
	if d.Before(AmendedInForce) {
		return article6of1949
	}
	a := Articles[clause]
	if clause == "Art. 6(1)" && !d.Before(AlgeriaIndependent) {
		a.Text = strings.Replace(a.Text, algerianWords, "[on the Algerian Departments of France: no longer applicable from Algeria's independence on 3 July 1962,] ", 1)
	}
	return a
}

// Article6Version says which wording of Article 6 was in force on d.
func Article6Version(d alliance.Date) string {
	switch {
	case d.Before(InForce):
		return ""
	case d.Before(AmendedInForce):
		return "Article 6 as signed on 4 April 1949 (in force 1949-08-24 to 1952-02-17)"
	case d.Before(AlgeriaIndependent):
		return "Article 6 as amended by the Protocol on the Accession of Greece and Turkey (in force from 1952-02-18)"
	}
	return "Article 6 as amended by the Protocol on the Accession of Greece and Turkey (in force from 1952-02-18); the words on the Algerian Departments of France no longer applicable from 1962-07-03"
}

// Withdrawal returns the day a Party that gives notice of denunciation on
// notice ceases to be a Party (Art. 13): one year later. Notice before the
// Treaty had been in force for twenty years is EINVALID.
func Withdrawal(notice alliance.Date) (alliance.Date, error) {
	earliest := alliance.Date{Year: InForce.Year + 20, Month: InForce.Month, Day: InForce.Day}
	if notice.Before(earliest) {
		return alliance.Date{}, alliance.Errorf(alliance.EINVALID, "Art. 13: notice of denunciation is possible only after the Treaty had been in force for twenty years (from %s)", earliest)
	}
	return alliance.Date{Year: notice.Year + 1, Month: notice.Month, Day: notice.Day}, nil
}

// Invitation checks Art. 10 for inviting state to accede on date at: the
// invitation needs the unanimous agreement of the Parties, so the veto
// players are every member on that day. It returns them.
func Invitation(h alliance.History, states alliance.States, state string, at alliance.Date) ([]string, error) {
	s := alliance.Replay(h, at)
	if s.IsMember(alliance.NATO, state) {
		return nil, alliance.Errorf(alliance.EINVALID, "%s is already a Party on %s", states.Name(state), at)
	}
	var out []string
	for _, m := range s.Members(alliance.NATO, states) {
		out = append(out, m.Code)
	}
	return out, nil
}
