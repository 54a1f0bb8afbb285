package io.sluice.core.cdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 16 item 1: a configured FreeSWITCH template, and the gateway as a call's route where the template writes one. */
class FreeSwitchTemplateTest {
    /** The vanilla example template with the gateway appended, as an operator writes it in cdr_csv.conf.xml. */
    static final String TEMPLATE = "\"${caller_id_name}\",\"${caller_id_number}\",\"${destination_number}\",\"${context}\","
            + "\"${start_stamp}\",\"${answer_stamp}\",\"${end_stamp}\",\"${duration}\",\"${billsec}\",\"${hangup_cause}\","
            + "\"${uuid}\",\"${bleg_uuid}\",\"${accountcode}\",\"${read_codec}\",\"${write_codec}\",\"${sip_gateway_name}\"\n";

    static Parsed parse(FreeSwitchTemplate t, String line) {
        RawRecord raw = RawRecord.of("Master.csv", 1, line.getBytes(StandardCharsets.UTF_8));
        return new FreeSwitchCsvParser(t).parse(raw, line);
    }

    static String line(String context, String gateway, String cause) {
        return "\"Ann\",\"+14155550101\",\"+442079460123\",\"" + context + "\",\"2026-11-20 10:00:00\",\"\",\"2026-11-20 10:00:30\","
                + "\"30\",\"0\",\"" + cause + "\",\"uuid-1\",\"\",\"acme\",\"PCMU\",\"PCMU\",\"" + gateway + "\"";
    }

    @Test
    @DisplayName("the template text of cdr_csv.conf.xml and a list of names read the same; a call's route is its gateway, else its context")
    void gatewayIsTheRoute() {
        FreeSwitchTemplate fromXml = FreeSwitchTemplate.parse(TEMPLATE);
        assertThat(fromXml.variables()).hasSize(16).endsWith("sip_gateway_name");
        assertThat(FreeSwitchTemplate.parse(fromXml.toString())).isEqualTo(fromXml);

        CdrFields viaGateway = (CdrFields) parse(fromXml, line("public", "carrier-b", "NORMAL_TEMPORARY_FAILURE"));
        assertThat(viaGateway.route()).isEqualTo("carrier-b");
        assertThat(viaGateway.disposition()).isEqualTo(Disposition.FAILED);
        assertThat(viaGateway.caller()).isEqualTo("+14155550101");
        assertThat(viaGateway.account()).isEqualTo("acme");
        CdrFields local = (CdrFields) parse(fromXml, line("public", "", "NORMAL_CLEARING"));
        assertThat(local.route()).as("a call that left on no gateway").isEqualTo("public");
        FreeSwitchTemplate sipGateway = FreeSwitchTemplate.parse(TEMPLATE.replace("sip_gateway_name", "sip_gateway"));
        assertThat(((CdrFields) parse(sipGateway, line("public", "carrier-c", "USER_BUSY"))).route()).isEqualTo("carrier-c");
    }

    @Test
    @DisplayName("a record of another width is a WRONG_COLUMN_COUNT dead letter; a template without what a CDR needs is refused")
    void widthAndRequiredVariables() {
        FreeSwitchTemplate t = FreeSwitchTemplate.parse(TEMPLATE);
        String fifteen = line("public", "x", "NORMAL_CLEARING").replaceFirst(",\"x\"$", "");
        assertThat(parse(t, fifteen)).isInstanceOfSatisfying(Rejection.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.WRONG_COLUMN_COUNT);
            assertThat(r.detail()).contains("expected 16 fields of the configured FreeSWITCH template, found 15");
        });
        assertThatThrownBy(() -> FreeSwitchTemplate.parse("caller_id_number,destination_number,start_stamp"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lacks end_stamp, duration, billsec, hangup_cause, uuid");
        assertThatThrownBy(() -> FreeSwitchTemplate.parse("caller id,destination"))
                .hasMessageContaining("'caller id' is not a channel variable name");
    }

    @Test
    @DisplayName("the format vote knows a configured template's width and where its times are; without it the records read as nothing")
    void theVoteKnowsTheTemplate() {
        byte[] head = (line("public", "carrier-b", "NORMAL_CLEARING") + "\n" + line("public", "", "USER_BUSY") + "\n")
                .getBytes(StandardCharsets.UTF_8);
        FreeSwitchTemplate t = FreeSwitchTemplate.parse(TEMPLATE);
        assertThat(io.sluice.core.intake.EntryRules.sniff(head, 65536)).isEmpty();
        assertThat(io.sluice.core.intake.EntryRules.sniff(head, 65536, t)).contains(CdrFormat.FREESWITCH);
        assertThat(io.sluice.core.intake.EntryRules.screen(head, java.util.Optional.empty(),
                io.sluice.core.pipeline.CdrPipelineConfig.defaults().withFreeSwitchTemplate(t)))
                .isEqualTo(new io.sluice.core.intake.EntryRules.Take(CdrFormat.FREESWITCH));
    }

    @Test
    @DisplayName("template fields without a variable (literal text, a function) are read and ignored; two variables in one field are refused")
    void literalAndFunctionFields() {
        FreeSwitchTemplate t = FreeSwitchTemplate.parse(TEMPLATE.replace("\"${read_codec}\"", "\"fixed\"")
                .replace("\"${write_codec}\"", "\"${strftime(%Y-%m-%d)}\""));
        assertThat(t.variables()).hasSize(16).contains("ignored_14", "ignored_15").endsWith("sip_gateway_name");
        assertThat(((CdrFields) parse(t, line("public", "carrier-b", "NORMAL_CLEARING"))).route()).isEqualTo("carrier-b");
        assertThat(FreeSwitchTemplate.parse(TEMPLATE.replace("\"${read_codec}\"", "\"${sip_h_X-Carrier}\"")).variables())
                .contains("sip_h_x-carrier");
        assertThatThrownBy(() -> FreeSwitchTemplate.parse(TEMPLATE.replace("\"${read_codec}\"", "\"${read_codec}/${write_codec}\"")))
                .hasMessageContaining("field 14 of the FreeSWITCH template").hasMessageContaining("holds 2 variables");
    }
}
