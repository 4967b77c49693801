package http

import (
	nethttp "net/http"
)

type obj = map[string]any

func str() obj                { return obj{"type": "string"} }
func date() obj               { return obj{"type": "string", "format": "date"} }
func nullableDate() obj       { return obj{"type": []any{"string", "null"}, "format": "date"} }
func num() obj                { return obj{"type": "number"} }
func integer() obj            { return obj{"type": "integer"} }
func boolean() obj            { return obj{"type": "boolean"} }
func arr(items obj) obj       { return obj{"type": "array", "items": items} }
func ref(name string) obj     { return obj{"$ref": "#/components/schemas/" + name} }
func enum(vals ...string) obj { return obj{"type": "string", "enum": vals} }
func object(props obj, required ...string) obj {
	o := obj{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func param(name, in, desc string, schema obj, required bool) obj {
	return obj{"name": name, "in": in, "description": desc, "schema": schema, "required": required}
}

var (
	pOrg     = param("org", "query", "NATO or EU (default NATO)", enum("NATO", "EU", "nato", "eu"), false)
	pAt      = param("at", "query", "date YYYY-MM-DD (default today)", date(), false)
	pCode    = param("code", "path", "ISO 3166-1 alpha-2 code", str(), true)
	pFormat  = param("format", "query", "csv or json (default json)", enum("csv", "json"), false)
	pRuns    = param("runs", "query", "simulated accessions", integer(), false)
	pSeed    = param("seed", "query", "random seed", integer(), false)
	errorRes = obj{"description": "bad input, unknown code or date", "content": obj{"application/json": obj{"schema": ref("Error")}}}
)

func op(summary string, schema obj, params ...obj) obj {
	if params == nil {
		params = []obj{}
	}
	return obj{"get": obj{"summary": summary, "parameters": params, "responses": obj{
		"200": obj{"description": "OK", "content": obj{"application/json": obj{"schema": schema}}},
		"400": errorRes, "404": errorRes,
	}}}
}

// OpenAPI is the API's OpenAPI 3.1 document.
func OpenAPI() obj {
	source := object(obj{"url": str(), "title": str(), "kind": enum("official", "news", "scholarly", "reference")}, "url", "title")
	bearer := []any{obj{"bearer": []any{}}}
	status := func(desc string) obj {
		return obj{"description": desc, "content": obj{"application/json": obj{"schema": ref("Error")}}}
	}
	doc := obj{
		"openapi": "3.1.0",
		"info":    obj{"title": "alliance API", "version": "1", "description": "An executable, sourced model of NATO's collective defence. Every answer is derived from dated events, each with its public source. Errors are {\"error\":{\"code\",\"message\"}}."},
		"paths": obj{
			"/api/v1/states":            op("Every state the dataset may name", arr(ref("State"))),
			"/api/v1/members":           op("Members of an organisation on a date, by code", arr(ref("Membership")), pOrg, pAt),
			"/api/v1/accession/{code}":  op("A candidate's accession status on a date", ref("Status"), pCode, pOrg, pAt),
			"/api/v1/lags":              op("Each member's days from protocol signature to ratification", arr(ref("Lag")), pOrg, param("candidate", "query", "only this candidate", str(), false), param("basis", "query", "the step lags are measured to (default deposit; best: each member's best date, mixed steps)", enum("deposit", "parliament", "head_of_state", "procedure_completed", "best"), false)),
			"/api/v1/stages":            op("Each accession's stages and the days between them", arr(ref("Stages")), pOrg),
			"/api/v1/history":           op("Events with their sources, filtered", arr(ref("Event")), param("org", "query", "NATO, EU or JDS", enum("NATO", "EU", "JDS", "nato", "eu", "jds"), false), param("state", "query", "state concerned", str(), false), param("type", "query", "event type", str(), false), param("from", "query", "on or after", date(), false), param("to", "query", "on or before", date(), false)),
			"/api/v1/article5":          op("Does Article 5 cover an attack at a place on a date?", ref("Verdict"), param("lat", "query", "latitude", num(), false), param("lon", "query", "longitude", num(), false), param("place", "query", "a place by name instead of lat and lon: a state, a territory (Hawaii), an island (Gotland) or a town (Narva); case and diacritics do not matter, and a name several places share takes its country (Hamilton, Bermuda) — /api/v1/places lists the candidates", str(), false), param("date", "query", "date of the attack", date(), false), param("target", "query", "territory or forces", enum("territory", "forces"), false), param("party", "query", "whose territory or forces", str(), false)),
			"/api/v1/protection/{code}": op("Every commitment that protects a state, and apart what it owes others (with as_member: now and as a hypothetical member, each agreement's words on accession applied)", obj{"oneOf": []any{ref("Profile"), object(obj{"now": ref("Profile"), "as_member": ref("Profile")}, "now", "as_member")}}, pCode, param("at", "query", "date", date(), false), param("as_member", "query", "hypothesis: joins NATO on this date", date(), false)),
			"/api/v1/timetable/{code}":  op("Monte Carlo accession forecast (Accept: text/event-stream streams progress events, then a result event)", ref("Forecast"), pCode, param("invited", "query", "hypothetical invitation date", date(), false), param("protocol", "query", "hypothetical protocol date", date(), false), param("withhold", "query", "CODE:DATE[:P],...", str(), false), param("gate", "query", "DATE or DATE:DATE", str(), false), param("no_holdouts", "query", "true: every recorded objection is lifted (no member holds out)", boolean(), false), pRuns, pSeed, pAt),
			"/api/v1/backtest":          op("Forecasts of past accessions against what happened", ref("Backtest"), pRuns, pSeed),
			"/api/v1/polls/{code}":      op("Polls on a state's public support", arr(ref("Event")), pCode, pOrg),
			"/api/v1/border":            op("NATO's land border with a neighbour on a date", ref("Border"), param("with", "query", "neighbour (default RU)", str(), false), pAt, param("join", "query", "hypothetical members, comma-separated", str(), false)),
			"/api/v1/decide":            op("A decision rule over the members on a date", ref("Decision"), param("rule", "query", "consensus, silence, unanimity or qmv", enum("consensus", "silence", "unanimity", "qmv"), false), pOrg, pAt, param("no", "query", "members voting no / objecting (a hypothesis on top of recorded positions)", str(), false), param("assume", "query", "hypotheses: CODE:STANCE,... (support, oppose, abstain)", str(), false), param("abstain", "query", "members abstaining", str(), false), param("question", "query", "question whose positions to list", str(), false)),
			"/api/v1/export/{table}":    op("Tidy tables for research (csv or json)", arr(obj{"type": "object"}), param("table", "path", "events, memberships or ratifications", enum("events", "memberships", "ratifications"), true), pFormat),
			"/api/v1/claims":            op("The op-ed's claims checked against the model", arr(ref("Claim"))),
			"/api/v1/places":            op("Places whose name starts with q, for the Article 5 checker: those called exactly q first, then by kind (state, territory, area, city) and size; each label resolves to that place alone", ref("Places"), param("q", "query", "the start of a place name (case and diacritics do not matter), or a name and its country", str(), true), param("limit", "query", "at most this many places (1 to 50, default 10)", integer(), false)),
			"/api/v1/map":               op("Members by year of joining, and candidates, on a date", ref("MapState"), pAt),
			"/api/v1/head":              op("The ledger's head: its number of entries and the hash of the last one, for witnesses (alliance verify --against)", ref("Head")),
			"/api/v1/events/stream": obj{"get": obj{
				"summary":    "Server-Sent Events of new entries: each `id: SEQ`, `event: entry`, `data: EVENT-JSON`; resume with Last-Event-ID (or ?since=SEQ); heartbeats every 15 s; a reader more than 256 entries behind is dropped and resumes",
				"parameters": []obj{param("since", "query", "replay the standing events recorded after this entry", integer(), false)},
				"responses":  obj{"200": obj{"description": "an event stream", "content": obj{"text/event-stream": obj{"schema": str()}}}, "429": status("too many open streams")},
			}},
			"/api/v1/events": obj{"post": obj{
				"summary":     "Record events (an editor's token): a JSON list of events in the format of the data files, checked as recorded files are (schema, sources, limits, rules); all or nothing",
				"security":    bearer,
				"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": arr(ref("NewEvent"))}}},
				"responses": obj{
					"201": obj{"description": "stored", "content": obj{"application/json": obj{"schema": ref("Written")}}},
					"400": status("a bad event (the message names its line and field) or a body over 1 MiB"),
					"401": status("no valid token"), "403": status("a reader's token"),
					"409": status("an event is already recorded (nothing was stored)"), "429": status("too many writes with this token"),
				},
			}},
		},
		"components": obj{"securitySchemes": obj{"bearer": obj{"type": "http", "scheme": "bearer", "description": "a token the operator of the server creates for you"}}, "schemas": obj{
			"Error":      object(obj{"error": object(obj{"code": enum("EINVALID", "ENOTFOUND", "ECONFLICT", "EUNAUTHORIZED", "EFORBIDDEN", "ECORRUPT", "EINTERNAL", "EBUSY"), "message": str()}, "code", "message")}, "error"),
			"Head":       object(obj{"entries": integer(), "head": str(), "events": integer()}, "entries", "head"),
			"Written":    object(obj{"stored": integer(), "entries": integer(), "head": str()}, "stored", "entries", "head"),
			"NewEvent":   object(obj{"date": date(), "type": str(), "org": str(), "states": arr(str()), "candidate": str(), "step": str(), "title": str(), "source": source, "note": str()}, "date", "type", "org", "title", "source"),
			"State":      object(obj{"code": str(), "name": str(), "cow": integer()}, "code", "name"),
			"Membership": object(obj{"code": str(), "name": str(), "joined": date(), "left": date()}, "code", "name", "joined"),
			"StepDate":   object(obj{"step": enum("parliament", "procedure_completed", "head_of_state", "deposit"), "date": date()}, "step", "date"),
			"Status": object(obj{
				"org": str(), "candidate": str(), "name": str(), "at": date(), "stage": enum("none", "applied", "invited", "candidate", "negotiating", "treaty_signed", "ratifying", "member"),
				"applied": nullableDate(), "invited": nullableDate(), "candidate_status": nullableDate(), "negotiations_opened": nullableDate(),
				"protocol_signed": nullableDate(), "joined": nullableDate(),
				"days_since_protocol": obj{"type": []any{"integer", "null"}},
				"ratified":            arr(object(obj{"code": str(), "name": str(), "date": date(), "basis": enum("parliament", "procedure_completed", "head_of_state", "deposit"), "steps": arr(ref("StepDate"))}, "code", "date", "basis")),
				"pending":             arr(str()), "undated": arr(str()),
			}, "org", "candidate", "stage", "ratified", "pending", "joined"),
			"Lag":    object(obj{"org": str(), "candidate": str(), "member": str(), "protocol_signed": date(), "ratified": date(), "basis": str(), "days": integer()}, "candidate", "member", "days"),
			"Stages": object(obj{"candidate": str(), "protocol_signed": nullableDate(), "joined": nullableDate(), "days_protocol_to_joined": obj{"type": []any{"integer", "null"}}}, "candidate"),
			"Event": object(obj{"seq": integer(), "date": date(), "type": str(), "org": str(), "states": arr(str()), "title": str(), "source": source, "origin": str(), "recorder": str(), "signer": str()},
				"date", "type", "org", "states", "title", "source"),
			"Place": object(obj{"lat": num(), "lon": num(), "kind": enum("land", "sea"), "state": str(), "territory": str(), "continent": str(), "north_of_tropic_of_cancer": boolean()}, "lat", "lon", "kind"),
			"Verdict": object(obj{"verdict": enum("covered", "not_covered", "disputed"), "clause": str(), "clause_text": str(), "text_version": str(), "reason": str(), "party": str(), "party_name": str(),
				"target": enum("territory", "forces"), "date": date(), "place": ref("Place"), "obligated": arr(str()), "sources": arr(source),
				"place_match": obj{"description": "with place=: the place the name was taken to mean", "$ref": "#/components/schemas/PlaceMatch"}},
				"verdict", "clause", "reason", "party", "place", "obligated"),
			"Profile": object(obj{"state": str(), "name": str(), "at": date(), "nato_member": boolean(), "eu_member": boolean(),
				"commitments": arr(ref("Commitment")), "owes": arr(ref("Commitment")), "ended": arr(ref("Commitment"))},
				"state", "at", "nato_member", "eu_member", "commitments", "owes"),
			"Commitment": object(obj{"kind": enum("nato_article5", "eu_article42_7", "security_agreement"), "name": str(), "partners": arr(str()), "since": date(), "owes": str(), "source": source,
				"after_accession": enum("ends", "continues", "under_review", "unclear", "not_stated"), "certainty": enum("text", "reported", "none"), "basis": str()}, "kind", "name", "since", "owes", "source"),
			"Percentiles": object(obj{"p10": date(), "p50": date(), "p90": date()}, "p10", "p50", "p90"),
			"Forecast": object(obj{"candidate": str(), "as_of": date(), "runs": integer(), "seed": integer(),
				"milestones":     object(obj{"invited": ref("Percentiles"), "protocol_signed": ref("Percentiles"), "last_ratification": ref("Percentiles"), "joined": ref("Percentiles")}, "protocol_signed", "joined"),
				"last_to_ratify": arr(object(obj{"code": str(), "probability": num()}, "code", "probability"))},
				"candidate", "runs", "seed", "milestones", "last_to_ratify"),
			"Backtest": object(obj{"rows": arr(object(obj{"candidate": str(), "protocol_signed": date(), "joined": date(), "covered": boolean(), "error_days": integer()}, "candidate")),
				"forecasts": integer(), "coverage_p10_p90": num(), "median_abs_error_days": num(), "baseline_median_abs_error_days": num()},
				"rows", "forecasts", "coverage_p10_p90", "median_abs_error_days", "baseline_median_abs_error_days"),
			"Border": object(obj{"with": str(), "at": date(), "km": num(), "km_day_before": num(), "segments": arr(object(obj{"member": str(), "km": num(), "source": source}, "member", "km"))}, "with", "at", "km", "segments"),
			"Decision": object(obj{"rule": str(), "org": str(), "at": date(), "members": integer(), "adopted": boolean(), "reason": str(), "yes": arr(str()), "no": arr(str()), "abstain": arr(str())},
				"rule", "org", "members", "adopted", "reason"),
			"Claim": object(obj{"id": str(), "quote": str(), "verdict": enum("supported", "contradicted", "imprecise", "not_in_model"), "value": obj{"type": []any{"number", "null"}}, "detail": str(), "explain": str(), "events": arr(ref("Event"))},
				"id", "quote", "verdict", "detail", "events"),
			"PlaceMatch": object(obj{"name": str(), "label": str(), "kind": enum("state", "territory", "area", "city"), "country": str(), "country_name": str(),
				"lat": num(), "lon": num(), "population": integer(), "also_known_as": str(), "note": str()}, "name", "label", "kind", "country", "lat", "lon"),
			"Places":   object(obj{"query": str(), "attribution": str(), "places": arr(ref("PlaceMatch"))}, "query", "places"),
			"MapState": object(obj{"at": date(), "members": obj{"type": "object", "additionalProperties": str()}, "candidates": obj{"type": "object", "additionalProperties": str()}, "count": integer()}, "at", "members", "candidates", "count"),
		}},
	}
	exerciseOpenAPI(doc["paths"].(obj), doc["components"].(obj)["schemas"].(obj), status, bearer)
	return doc
}

func (s *Server) apiOpenAPI(w nethttp.ResponseWriter, r *nethttp.Request) error {
	return s.writeJSON(w, r, OpenAPI())
}
