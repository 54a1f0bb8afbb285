package io.sluice.core.cdr;

/**
 * A record's fields as text, after the format-specific parser and before semantic checks. Empty strings,
 * never null, stand for absent values, as in the CSV formats themselves.
 *
 * @param caller       calling number (Asterisk src, FreeSWITCH caller_id_number); empty when withheld
 * @param callee       dialled number (dst, destination_number)
 * @param route        trunk or route the call left through, derived per format
 * @param start        start time text
 * @param answer       answer time text, empty if never answered
 * @param end          end time text
 * @param duration     whole seconds from start to end, as text
 * @param billsec      whole seconds from answer to end, as text
 * @param disposition  the mapped disposition
 * @param account      account code
 * @param uniqueId     the source's own call or leg id (Asterisk uniqueid, FreeSWITCH uuid); informational only
 * @param leg          text that tells the legs of one call apart (channel and destination channel, uuid)
 */
public record CdrFields(
        String caller,
        String callee,
        String route,
        String start,
        String answer,
        String end,
        String duration,
        String billsec,
        Disposition disposition,
        String account,
        String uniqueId,
        String leg) implements Parsed {
}
