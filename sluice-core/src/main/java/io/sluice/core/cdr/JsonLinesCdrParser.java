package io.sluice.core.cdr;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.Optional;

/**
 * Sluice's own JSON-lines schema (CDR-2): one flat object per line.
 *
 * <pre>{"caller":"+4930123456","callee":"+4989765432","start":"2026-01-05T10:00:00Z",
 *  "answer":"2026-01-05T10:00:07Z","end":"2026-01-05T10:03:07Z","duration":187,"billsec":180,
 *  "disposition":"ANSWERED","route":"carrier-a","account":"acme","id":"call-1"}</pre>
 *
 * <p>Required: {@code callee}, {@code start}, {@code end}, {@code duration}, {@code billsec},
 * {@code disposition}. Timestamps are ISO-8601 (with an offset, or in the configured source zone without
 * one) or epoch seconds. Unknown fields are ignored so that producers can add fields first. Nesting is
 * refused: a record is flat (SEC-5).
 */
public final class JsonLinesCdrParser implements CdrParser {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2).maxStringLength(65_536).build())
            .build();

    @Override
    public CdrFormat format() {
        return CdrFormat.JSONL;
    }

    @Override
    public Parsed parse(RawRecord raw, String text) {
        String caller = "", callee = null, route = "", start = null, answer = "", end = null, duration = null,
                billsec = null, disposition = null, account = "", id = "";
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Rejection.of(raw, RejectReason.MALFORMED_JSON, "a record must be one JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    return Rejection.of(raw, RejectReason.MALFORMED_JSON, "field '" + name + "' must be a plain value, not nested");
                }
                String value = v == JsonToken.VALUE_NULL ? "" : p.getText();
                switch (name) {
                    case "caller" -> caller = value;
                    case "callee" -> callee = value;
                    case "route" -> route = value;
                    case "start" -> start = value;
                    case "answer" -> answer = value;
                    case "end" -> end = value;
                    case "duration" -> duration = value;
                    case "billsec" -> billsec = value;
                    case "disposition" -> disposition = value;
                    case "account" -> account = value;
                    case "id" -> id = value;
                    default -> { /* forward compatible: ignore */ }
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return Rejection.of(raw, RejectReason.MALFORMED_JSON, "text after the end of the JSON object");
            }
        } catch (IOException e) {
            String message = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            return Rejection.of(raw, RejectReason.MALFORMED_JSON, oneLine(message));
        }
        String missing = callee == null ? "callee" : start == null ? "start" : end == null ? "end"
                : duration == null ? "duration" : billsec == null ? "billsec" : disposition == null ? "disposition" : null;
        if (missing != null) {
            return Rejection.of(raw, RejectReason.MISSING_FIELD, "required field '" + missing + "' is missing");
        }
        Optional<Disposition> d = Disposition.fromText(disposition);
        if (d.isEmpty()) {
            return Rejection.of(raw, RejectReason.UNKNOWN_DISPOSITION,
                    "disposition '" + disposition + "' is none of ANSWERED, NO_ANSWER, BUSY, FAILED, CONGESTION, CANCEL");
        }
        return new CdrFields(caller, callee, route.isEmpty() ? "unknown" : route, start, answer, end, duration, billsec,
                d.get(), account, id, id);
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "invalid JSON";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
