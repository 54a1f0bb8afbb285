package io.sluice.local.runtime;

import io.sluice.core.cdr.CdrFormat;

/** The format byte of an {@link IngestLog} entry: the format an HTTP body was accepted as. */
final class BodyFormat {
    private BodyFormat() {
    }

    static byte encode(CdrFormat format) {
        return switch (format) {
            case ASTERISK -> 1;
            case FREESWITCH -> 2;
            case JSONL -> 3;
        };
    }

    static CdrFormat decode(byte b) {
        return switch (b) {
            case 1 -> CdrFormat.ASTERISK;
            case 2 -> CdrFormat.FREESWITCH;
            case 3 -> CdrFormat.JSONL;
            default -> throw new IllegalStateException("unknown body format " + b + " in the ingest log");
        };
    }
}
