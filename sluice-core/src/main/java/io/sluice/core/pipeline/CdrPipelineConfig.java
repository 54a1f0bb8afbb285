package io.sluice.core.pipeline;

import io.sluice.core.cdr.RecordFramer;
import io.sluice.core.fraud.FraudRules;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the CDR pipeline, one typed object for both homes (OPS-4).
 *
 * @param sourceZone      zone the CSV timestamps were written in; they carry none (CDR-4). Default UTC.
 * @param defaultCountry  ISO 3166 region used for numbers without a country code. Default US.
 * @param maxRecordBytes  longest accepted record in bytes (SEC-5). Default 65536.
 * @param numberCacheSize numbers that need libphonenumber's full parse kept in memory. Default 100000.
 * @param freeSwitchTemplate the columns FreeSWITCH's mod_cdr_csv writes, when not a stock template; null for the stock
 *                           {@code default} and {@code example} templates (issue 16)
 * @param fraudRules      the fraud rules of CDR-10 a home runs on accepted records (with a {@code FraudState} of its
 *                        own). Default {@link FraudRules#defaults()}.
 */
public record CdrPipelineConfig(ZoneId sourceZone, String defaultCountry, int maxRecordBytes, long numberCacheSize,
                                io.sluice.core.cdr.FreeSwitchTemplate freeSwitchTemplate, FraudRules fraudRules) {

    public CdrPipelineConfig(ZoneId sourceZone, String defaultCountry, int maxRecordBytes, long numberCacheSize) {
        this(sourceZone, defaultCountry, maxRecordBytes, numberCacheSize, null, FraudRules.defaults());
    }

    public static final ZoneId DEFAULT_SOURCE_ZONE = ZoneId.of("UTC");
    public static final String DEFAULT_COUNTRY = "US";
    public static final long DEFAULT_NUMBER_CACHE_SIZE = 100_000;

    public CdrPipelineConfig {
        List<String> problems = new ArrayList<>();
        if (sourceZone == null) {
            problems.add("The 'sourceZone' value is missing: name the zone the CDR timestamps were written in, e.g. UTC or Europe/Berlin");
        }
        if (defaultCountry == null || !defaultCountry.matches("[A-Za-z]{2}")) {
            problems.add("The 'defaultCountry' value '" + defaultCountry + "' is invalid: use a two-letter ISO 3166 region such as US or DE");
        }
        if (maxRecordBytes < 256 || maxRecordBytes > 16 * 1024 * 1024) {
            problems.add("The 'maxRecordBytes' value '" + maxRecordBytes + "' is invalid: it must be between 256 and 16777216");
        }
        if (numberCacheSize < 0) {
            problems.add("The 'numberCacheSize' value '" + numberCacheSize + "' is invalid: it must not be negative");
        }
        if (fraudRules == null) {
            problems.add("The 'fraudRules' value is missing: FraudRules.defaults(), or FraudRules.none() for no rules");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    public static CdrPipelineConfig defaults() {
        return new CdrPipelineConfig(DEFAULT_SOURCE_ZONE, DEFAULT_COUNTRY, RecordFramer.DEFAULT_MAX_RECORD_BYTES, DEFAULT_NUMBER_CACHE_SIZE);
    }

    public CdrPipelineConfig withSourceZone(ZoneId zone) {
        return new CdrPipelineConfig(zone, defaultCountry, maxRecordBytes, numberCacheSize, freeSwitchTemplate, fraudRules);
    }

    public CdrPipelineConfig withDefaultCountry(String country) {
        return new CdrPipelineConfig(sourceZone, country, maxRecordBytes, numberCacheSize, freeSwitchTemplate, fraudRules);
    }

    public CdrPipelineConfig withFreeSwitchTemplate(io.sluice.core.cdr.FreeSwitchTemplate template) {
        return new CdrPipelineConfig(sourceZone, defaultCountry, maxRecordBytes, numberCacheSize, template, fraudRules);
    }

    /** The parser of {@code format} under these settings. */
    /** The same settings with these fraud rules (CDR-10); {@link FraudRules#none()} runs none. */
    public CdrPipelineConfig withFraudRules(FraudRules rules) {
        return new CdrPipelineConfig(sourceZone, defaultCountry, maxRecordBytes, numberCacheSize, freeSwitchTemplate, rules);
    }

    public io.sluice.core.cdr.CdrParser parser(io.sluice.core.cdr.CdrFormat format) {
        return io.sluice.core.cdr.CdrParser.of(format, freeSwitchTemplate);
    }
}
