package io.sluice.local.generate;

/**
 * Trunks a call leaves through. Asterisk writes the destination channel {@code SIP/carrier-a-0000002b}, from which
 * the core derives the route {@code SIP/carrier-a}; JSON lines carry the short name.
 */
enum Route {
    CARRIER_A("SIP/carrier-a", "carrier-a"),
    CARRIER_B("SIP/carrier-b", "carrier-b"),
    INTL_GW("SIP/intl-gw", "intl-gw"),
    LOCAL("PJSIP/local", "local");

    final byte[] channel;
    final byte[] shortName;

    Route(String channel, String shortName) {
        this.channel = AsciiLine.ascii(channel);
        this.shortName = AsciiLine.ascii(shortName);
    }
}
