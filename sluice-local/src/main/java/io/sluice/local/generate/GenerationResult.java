package io.sluice.local.generate;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link CdrGenerator} wrote. Always {@code records == validRecords + invalidRecords + duplicateRecords}:
 * ingesting the files should accept exactly the valid records, reject the invalid ones and count the
 * duplicates (CDR-3, CDR-5).
 *
 * @param files            the CDR files, in order ({@code cdr-0001.csv}, ...)
 * @param profilesCsv      subscriber profiles ({@code msisdn,plan,home_country,status}) for about 90% of the subscribers
 * @param records          lines written, including invalid lines and duplicates
 * @param validRecords     distinct valid calls
 * @param invalidRecords   lines the core rejects
 * @param duplicateRecords lines that repeat an earlier valid line byte for byte
 */
public record GenerationResult(List<Path> files, Path profilesCsv, long records, long validRecords,
                               long invalidRecords, long duplicateRecords) {

    public GenerationResult {
        files = List.copyOf(files);
        if (records != validRecords + invalidRecords + duplicateRecords) {
            throw new IllegalStateException("Generated line counts do not add up: " + records + " != valid " + validRecords
                    + " + invalid " + invalidRecords + " + duplicates " + duplicateRecords);
        }
    }
}
