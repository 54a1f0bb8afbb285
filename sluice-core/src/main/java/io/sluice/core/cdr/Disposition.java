package io.sluice.core.cdr;

import java.util.Optional;

/**
 * The one disposition enum every format maps onto (CDR-4).
 *
 * <p>Asterisk writes {@code ANSWERED}, {@code NO ANSWER}, {@code BUSY}, {@code FAILED},
 * {@code CONGESTION} and {@code CANCEL} ({@code main/cdr.c ast_cdr_disp2str}); FreeSWITCH writes a
 * hangup cause instead, mapped by {@link FreeSwitchCsvParser}. Anything else is not a call and is
 * rejected (CDR-3), including Asterisk's own {@code UNKNOWN}. {@link #REJECTED} (the called user refused the call:
 * FreeSWITCH's {@code CALL_REJECTED} and {@code DECLINE}) has no Asterisk text: Asterisk reports a refusal as BUSY or
 * FAILED; JSON lines may name it.
 */
public enum Disposition {
    ANSWERED("ANSWERED"),
    NO_ANSWER("NO ANSWER"),
    BUSY("BUSY"),
    FAILED("FAILED"),
    CONGESTION("CONGESTION"),
    CANCEL("CANCEL"),
    /** The called user refused the call; counts as delivered in NER (ITU-T E.411's user-refused), not as answered. */
    REJECTED("REJECTED");

    private final String asteriskName;

    Disposition(String asteriskName) {
        this.asteriskName = asteriskName;
    }

    /** The text Asterisk's cdr_csv writes for this disposition. */
    public String asteriskName() {
        return asteriskName;
    }

    /** Reads Asterisk's text or Sluice's own enum name ({@code NO_ANSWER}), case-sensitive as written. */
    public static Optional<Disposition> fromText(String text) {
        return switch (text) {
            case "ANSWERED" -> Optional.of(ANSWERED);
            case "NO ANSWER", "NO_ANSWER" -> Optional.of(NO_ANSWER);
            case "BUSY" -> Optional.of(BUSY);
            case "FAILED" -> Optional.of(FAILED);
            case "CONGESTION" -> Optional.of(CONGESTION);
            case "CANCEL" -> Optional.of(CANCEL);
            case "REJECTED" -> Optional.of(REJECTED);
            default -> Optional.empty();
        };
    }
}
