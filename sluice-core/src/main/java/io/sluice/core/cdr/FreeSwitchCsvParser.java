package io.sluice.core.cdr;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * FreeSWITCH {@code mod_cdr_csv} (CDR-2): the hard-coded {@code default} template (13 fields) and the vanilla
 * {@code example} template (15 fields): caller_id_name, caller_id_number, destination_number, context,
 * start_stamp, answer_stamp, end_stamp, duration, billsec, hangup_cause, uuid, bleg_uuid, accountcode
 * [, read_codec, write_codec].
 *
 * <p>FreeSWITCH has no disposition column: a call with an answer stamp or billable seconds is answered;
 * otherwise the hangup cause decides. The cause must be one of the 82 names of {@code CAUSE_CHART} in
 * {@code src/switch_channel.c} (signalwire/freeswitch @cc93a683); anything else is an unknown disposition.
 * The route is the dialplan context, the only routing hint the default templates carry; with a configured
 * {@link FreeSwitchTemplate} that writes a gateway ({@code ${sip_gateway_name}} or {@code ${sip_gateway}}), the
 * gateway, when the call had one (issue 16: a call's route is the trunk it left on).
 */
public final class FreeSwitchCsvParser implements CdrParser {
    private final FreeSwitchTemplate template;
    private final java.util.Map<String, Integer> at;

    /** The stock templates: {@code default} (13 fields) and {@code example} (15). */
    public FreeSwitchCsvParser() {
        this(null);
    }

    /** A configured template, or the stock ones when {@code template} is null. */
    public FreeSwitchCsvParser(FreeSwitchTemplate template) {
        this.template = template;
        this.at = template == null ? null : template.positions();
    }

    /** {@code CAUSE_CHART}, src/switch_channel.c, signalwire/freeswitch @cc93a683ca6e1f8f47c1d6e38bd2daf8fa6a7b1c. */
    static final Set<String> HANGUP_CAUSES = Set.of(
            "NONE",
            "UNALLOCATED_NUMBER",
            "NO_ROUTE_TRANSIT_NET",
            "NO_ROUTE_DESTINATION",
            "CHANNEL_UNACCEPTABLE",
            "CALL_AWARDED_DELIVERED",
            "NORMAL_CLEARING",
            "USER_BUSY",
            "NO_USER_RESPONSE",
            "NO_ANSWER",
            "SUBSCRIBER_ABSENT",
            "CALL_REJECTED",
            "NUMBER_CHANGED",
            "REDIRECTION_TO_NEW_DESTINATION",
            "EXCHANGE_ROUTING_ERROR",
            "DESTINATION_OUT_OF_ORDER",
            "INVALID_NUMBER_FORMAT",
            "FACILITY_REJECTED",
            "RESPONSE_TO_STATUS_ENQUIRY",
            "NORMAL_UNSPECIFIED",
            "NORMAL_CIRCUIT_CONGESTION",
            "NETWORK_OUT_OF_ORDER",
            "NORMAL_TEMPORARY_FAILURE",
            "SWITCH_CONGESTION",
            "ACCESS_INFO_DISCARDED",
            "REQUESTED_CHAN_UNAVAIL",
            "PRE_EMPTED",
            "FACILITY_NOT_SUBSCRIBED",
            "OUTGOING_CALL_BARRED",
            "INCOMING_CALL_BARRED",
            "BEARERCAPABILITY_NOTAUTH",
            "BEARERCAPABILITY_NOTAVAIL",
            "SERVICE_UNAVAILABLE",
            "BEARERCAPABILITY_NOTIMPL",
            "CHAN_NOT_IMPLEMENTED",
            "FACILITY_NOT_IMPLEMENTED",
            "SERVICE_NOT_IMPLEMENTED",
            "INVALID_CALL_REFERENCE",
            "INCOMPATIBLE_DESTINATION",
            "INVALID_MSG_UNSPECIFIED",
            "MANDATORY_IE_MISSING",
            "MESSAGE_TYPE_NONEXIST",
            "WRONG_MESSAGE",
            "IE_NONEXIST",
            "INVALID_IE_CONTENTS",
            "WRONG_CALL_STATE",
            "RECOVERY_ON_TIMER_EXPIRE",
            "MANDATORY_IE_LENGTH_ERROR",
            "PROTOCOL_ERROR",
            "INTERWORKING",
            "SUCCESS",
            "ORIGINATOR_CANCEL",
            "CRASH",
            "SYSTEM_SHUTDOWN",
            "LOSE_RACE",
            "MANAGER_REQUEST",
            "BLIND_TRANSFER",
            "ATTENDED_TRANSFER",
            "ALLOTTED_TIMEOUT",
            "USER_CHALLENGE",
            "MEDIA_TIMEOUT",
            "PICKED_OFF",
            "USER_NOT_REGISTERED",
            "PROGRESS_TIMEOUT",
            "INVALID_GATEWAY",
            "GATEWAY_DOWN",
            "INVALID_URL",
            "INVALID_PROFILE",
            "NO_PICKUP",
            "SRTP_READ_ERROR",
            "BOWOUT",
            "BUSY_EVERYWHERE",
            "DECLINE",
            "DOES_NOT_EXIST_ANYWHERE",
            "NOT_ACCEPTABLE",
            "UNWANTED",
            "NO_IDENTITY",
            "BAD_IDENTITY_INFO",
            "UNSUPPORTED_CERTIFICATE",
            "INVALID_IDENTITY",
            "STALE_DATE",
            "REJECT_ALL");

    @Override
    public CdrFormat format() {
        return CdrFormat.FREESWITCH;
    }

    @Override
    public Parsed parse(RawRecord raw, String text) {
        Optional<List<String>> split = CsvFields.freeSwitch(text);
        if (split.isEmpty()) {
            return Rejection.of(raw, RejectReason.BROKEN_QUOTING, "the record is not valid CSV (unbalanced or stray quote)");
        }
        List<String> f = split.get();
        if (template != null) {
            return parseTemplated(raw, f);
        }
        if (f.size() != 13 && f.size() != 15) {
            return Rejection.of(raw, RejectReason.WRONG_COLUMN_COUNT,
                    "expected 13 (default template) or 15 (example template) FreeSWITCH fields, found " + f.size());
        }
        String cause = f.get(9);
        if (!HANGUP_CAUSES.contains(cause)) {
            return Rejection.of(raw, RejectReason.UNKNOWN_DISPOSITION, "hangup_cause '" + cause + "' is not a FreeSWITCH cause name");
        }
        String answer = f.get(5);
        String billsec = f.get(8);
        Disposition disposition = !answer.isEmpty() || isPositive(billsec) ? Disposition.ANSWERED : fromCause(cause);
        String uuid = f.get(10);
        return new CdrFields(f.get(1), f.get(2), f.get(3).isEmpty() ? "unknown" : f.get(3),
                f.get(4), answer, f.get(6), f.get(7), billsec, disposition, f.get(12), uuid, uuid + ">" + f.get(11));
    }

    private Parsed parseTemplated(RawRecord raw, List<String> f) {
        if (f.size() != template.variables().size()) {
            return Rejection.of(raw, RejectReason.WRONG_COLUMN_COUNT, "expected " + template.variables().size()
                    + " fields of the configured FreeSWITCH template, found " + f.size());
        }
        String cause = field(f, "hangup_cause");
        if (!HANGUP_CAUSES.contains(cause)) {
            return Rejection.of(raw, RejectReason.UNKNOWN_DISPOSITION, "hangup_cause '" + cause + "' is not a FreeSWITCH cause name");
        }
        String answer = field(f, "answer_stamp");
        String billsec = field(f, "billsec");
        Disposition disposition = !answer.isEmpty() || isPositive(billsec) ? Disposition.ANSWERED : fromCause(cause);
        String gateway = field(f, "sip_gateway_name");
        if (gateway.isEmpty()) {
            gateway = field(f, "sip_gateway");
        }
        String context = field(f, "context");
        String route = !gateway.isEmpty() ? gateway : !context.isEmpty() ? context : "unknown";
        String uuid = field(f, "uuid");
        return new CdrFields(field(f, "caller_id_number"), field(f, "destination_number"), route, field(f, "start_stamp"), answer,
                field(f, "end_stamp"), field(f, "duration"), billsec, disposition, field(f, "accountcode"), uuid,
                uuid + ">" + field(f, "bleg_uuid"));
    }

    /** The value of {@code variable} in a templated record, "" when the template does not write it. */
    private String field(List<String> f, String variable) {
        Integer i = at.get(variable);
        return i == null ? "" : f.get(i);
    }

    static Disposition fromCause(String cause) {
        return switch (cause) {
            case "USER_BUSY", "BUSY_EVERYWHERE" -> Disposition.BUSY;
            case "NORMAL_CLEARING", "NO_ANSWER", "NO_USER_RESPONSE", "ALLOTTED_TIMEOUT", "PROGRESS_TIMEOUT",
                 "SUBSCRIBER_ABSENT", "NO_PICKUP" -> Disposition.NO_ANSWER;
            case "ORIGINATOR_CANCEL", "LOSE_RACE", "PICKED_OFF" -> Disposition.CANCEL;
            case "NORMAL_CIRCUIT_CONGESTION", "SWITCH_CONGESTION" -> Disposition.CONGESTION;
            case "CALL_REJECTED", "DECLINE" -> Disposition.REJECTED; // the called user refused (Q.850 21, SIP 603)
            default -> Disposition.FAILED;
        };
    }

    private static boolean isPositive(String digits) {
        if (digits.isEmpty()) {
            return false;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            if (c != '0') {
                return true;
            }
        }
        return false;
    }
}
