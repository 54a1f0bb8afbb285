package io.sluice.core.cdr;

/** Turns one framed, decoded record of a known format into fields (CDR-2). Implementations are stateless. */
public interface CdrParser {

    CdrFormat format();

    /**
     * @param raw  the record as framed, for position and original bytes in a rejection
     * @param text the record decoded as UTF-8
     */
    Parsed parse(RawRecord raw, String text);

    static CdrParser of(CdrFormat format) {
        return of(format, null);
    }

    /** The parser of {@code format}, FreeSWITCH's with {@code freeSwitchTemplate} when one is configured (else null). */
    static CdrParser of(CdrFormat format, FreeSwitchTemplate freeSwitchTemplate) {
        return switch (format) {
            case ASTERISK -> new AsteriskCsvParser();
            case FREESWITCH -> new FreeSwitchCsvParser(freeSwitchTemplate);
            case JSONL -> new JsonLinesCdrParser();
        };
    }
}
