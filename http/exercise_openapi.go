package http

// exerciseOpenAPI adds the Council exercise routes and schemas to the
// OpenAPI document.
func exerciseOpenAPI(paths, schemas obj, status func(string) obj, bearer []any) {
	seat := "Authorization: Bearer SECRET, the seat's secret, which the organiser's join link carries after #"
	id := param("id", "path", "the exercise id", str(), true)
	pid := param("pid", "path", "a procedure id (p7)", str(), true)
	errs := func(extra obj) obj {
		out := obj{"400": status("a bad body or value (the message says which)"), "401": status("no secret, or an unknown, revoked or expired one"),
			"403": status("a seat that may not do this, or another exercise's secret"), "404": status("no such exercise or procedure"), "429": status("too many actions from this seat")}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	json := func(schema obj) obj { return obj{"application/json": obj{"schema": schema}} }
	post := func(summary string, params []obj, body, answer obj, code string, extra obj) obj {
		p := obj{"summary": summary + ". " + seat, "security": bearer, "parameters": params, "responses": errs(extra)}
		if body != nil {
			p["requestBody"] = obj{"required": false, "content": json(body)}
		}
		p["responses"].(obj)[code] = obj{"description": "done", "content": json(answer)}
		return obj{"post": p}
	}
	get := func(summary string, params []obj, answer obj) obj {
		r := errs(nil)
		r["200"] = obj{"description": "OK", "content": json(answer)}
		return obj{"get": obj{"summary": summary + ". " + seat, "security": bearer, "parameters": params, "responses": r}}
	}
	conflict := obj{"409": status("the rules refuse it now: after a silence deadline, a concluded draft, a delegation that already spoke, an Article 5 verdict not acknowledged")}
	paths["/api/v1/exercises/{id}"] = get("The exercise as the seat sees it: clock, injects that have arrived, procedures (any seat; observers see it ObserverDelay late)", []obj{id}, ref("ExerciseView"))
	paths["/api/v1/exercises/{id}/procedures"] = post("Open a procedure: the chair tables a draft (kind silence with deadline_minutes, or consensus; decision statement, assistance, article5 or other; or draft: a scenario draft's id), or a delegation requests Article 4 consultations (kind article4; joins a request still waiting for the chair)",
		[]obj{id}, ref("OpenProcedure"), object(obj{"id": str()}, "id"), "201", conflict)
	paths["/api/v1/exercises/{id}/procedures/{pid}"] = get("One procedure: status open, agreed or broken (drafts), requested or convened (Article 4), who broke and why, every statement (any seat)", []obj{id, pid}, ref("Procedure"))
	paths["/api/v1/exercises/{id}/procedures/{pid}/{act}"] = post("Act on a procedure: break (a delegation, with reason; 409 after the silence deadline), agree (a delegation in a consensus round, with an optional footnote: a statement on the record), convene (the chair, an Article 4 request), close (the chair, a consensus round)",
		[]obj{id, pid, param("act", "path", "break, agree, convene or close", enum("break", "agree", "convene", "close"), true)},
		object(obj{"reason": str(), "footnote": str()}), ref("Procedure"), "200", conflict)
	paths["/api/v1/exercises/{id}/clock"] = post("Run the exercise clock (control): {action: start|pause} or {advance_minutes: N}; deadlines and injects follow the server's clock",
		[]obj{id}, object(obj{"action": enum("start", "pause"), "advance_minutes": integer()}), object(obj{"clock": str(), "running": boolean(), "speed": num()}, "clock", "running"), "200", conflict)
	paths["/api/v1/exercises/{id}/injects/{inject}/fire"] = post("Send a scenario inject to the Council now, ahead of its time (control)",
		[]obj{id, param("inject", "path", "the inject's id in the scenario", str(), true)}, nil, object(obj{"fired": str()}, "fired"), "200", conflict)
	paths["/api/v1/exercises/{id}/seats/{seat}/{op}"] = post("Reissue a seat's secret (the old one stops working; the answer holds the new one and its join link) or revoke it (control)",
		[]obj{id, param("seat", "path", "chair, control, observer or a delegation's code", str(), true), param("op", "path", "reissue or revoke", enum("reissue", "revoke"), true)},
		nil, object(obj{"seat": str(), "secret": str(), "link": str(), "revoked": str()}, "seat"), "200", nil)
	paths["/api/v1/exercises/{id}/end"] = post("End the exercise (control): the clock stops and every secret expires; the record stays", []obj{id}, nil, object(obj{"ended": str()}, "ended"), "200", nil)
	paths["/api/v1/exercises/{id}/log"] = get("The exercise log, checked (hash chain and signatures): every action with its wall and exercise time (seats; ?format=csv for CSV)",
		[]obj{id, param("format", "query", "json (default) or csv", enum("json", "csv"), false)}, arr(ref("ExerciseAction")))
	paths["/api/v1/exercises/{id}/report"] = get("The after-action report: decisions with who broke when and why, inject-to-decision times, each delegation's activity, the Article 5 verdicts shown, the timeline (seats)", []obj{id}, ref("ExerciseReport"))
	paths["/api/v1/exercises/{id}/stream"] = obj{"get": obj{
		"summary":    "Server-Sent Events of the seat's view: `event: state`, `data: ExerciseView JSON`, sent at once and whenever the exercise moves; deadlines and due injects are taken at least every second while anyone watches. " + seat,
		"security":   bearer,
		"parameters": []obj{id},
		"responses":  errs(obj{"200": obj{"description": "an event stream", "content": obj{"text/event-stream": obj{"schema": str()}}}}),
	}}
	statement := object(obj{"seat": str(), "act": enum("break", "agree", "footnote", "article4"), "text": str(), "clock": str(), "at": str(), "scripted": boolean(), "seq": integer()}, "seat", "act", "clock")
	verdict := object(obj{"verdict": enum("covered", "not_covered", "disputed"), "clause": str(), "reason": str(), "place": str(), "date": str(), "covered": boolean()}, "verdict", "reason", "covered")
	schemas["OpenProcedure"] = object(obj{"kind": enum("silence", "consensus", "article4"), "draft": str(), "decision": enum("statement", "assistance", "article5", "other"), "title": str(), "text": str(),
		"deadline_minutes": integer(), "inject": str(), "acknowledge": boolean()})
	schemas["Procedure"] = object(obj{"id": str(), "kind": enum("article4", "silence", "consensus"), "status": enum("open", "agreed", "broken", "requested", "convened"), "draft": str(), "decision": str(),
		"title": str(), "text": str(), "inject": str(), "opened": str(), "deadline": str(), "verdict": verdict, "acknowledged": boolean(), "requested_by": arr(str()), "convened": str(),
		"statements": arr(statement), "broken_by": arr(str()), "concluded": str(), "reason": str(), "seq": integer()}, "id", "kind", "status", "statements", "broken_by")
	schemas["ExerciseView"] = object(obj{"id": str(), "name": str(), "summary": str(), "scenario": str(), "date": date(), "seat": str(), "role": enum("chair", "control", "observer", "delegation"),
		"seat_name": str(), "now": str(), "clock": str(), "clock_speed": num(), "running": boolean(), "started": boolean(), "expires": str(),
		"delegations": arr(object(obj{"code": str(), "name": str()}, "code", "name")), "injects": arr(obj{"type": "object"}), "procedures": arr(ref("Procedure")), "entries": integer(), "head": str()},
		"id", "name", "date", "seat", "role", "clock", "running", "delegations", "injects", "procedures", "entries")
	schemas["ExerciseAction"] = object(obj{"seq": integer(), "exercise": str(), "at": str(), "clock": str(), "seat": str(), "kind": str(), "procedure": str()}, "seq", "exercise", "at", "clock", "seat", "kind")
	schemas["ExerciseReport"] = object(obj{"id": str(), "name": str(), "date": date(), "entries": integer(), "head": str(), "decisions": arr(obj{"type": "object"}), "article4_requests": arr(ref("Procedure")),
		"delegations": arr(obj{"type": "object"}), "article5_verdicts": arr(obj{"type": "object"}), "timeline": arr(obj{"type": "object"}),
		"record": arr(object(obj{"draft": str(), "status": str(), "broken_by": arr(str()), "article4_requested_by": arr(str()), "played_status": str(), "played_broken_by": arr(str()), "played_article4_requested_by": arr(str()), "same": boolean()}, "same"))}, "id", "decisions", "delegations", "timeline", "record")
}
