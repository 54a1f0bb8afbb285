package io.sluice.core.cdr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The columns of a FreeSWITCH {@code mod_cdr_csv} template (issue 16): the channel variables it writes, in order. A
 * template is configuration on the FreeSWITCH side, so it is configuration here too: given as the template text from
 * {@code cdr_csv.conf.xml} ({@code "${caller_id_name}","${caller_id_number}",...}) or as the variable names separated
 * by commas. Without one, the parser reads the stock {@code default} (13 fields) and {@code example} (15) templates.
 *
 * <p>Required: {@code caller_id_number}, {@code destination_number}, {@code start_stamp}, {@code end_stamp},
 * {@code duration}, {@code billsec}, {@code hangup_cause}, {@code uuid}. Optional: {@code caller_id_name},
 * {@code context}, {@code answer_stamp}, {@code bleg_uuid}, {@code accountcode}, and a gateway:
 * {@code sip_gateway_name} or {@code sip_gateway}, which becomes the call's route when set.
 */
public record FreeSwitchTemplate(List<String> variables) {
    static final List<String> REQUIRED = List.of("caller_id_number", "destination_number", "start_stamp", "end_stamp", "duration",
            "billsec", "hangup_cause", "uuid");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    public FreeSwitchTemplate {
        List<String> given = List.copyOf(variables);
        List<String> missing = REQUIRED.stream().filter(v -> !given.contains(v)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("The FreeSWITCH template lacks " + String.join(", ", missing)
                    + ": a CDR needs them (it has " + String.join(", ", given) + ")");
        }
        variables = given;
    }

    /**
     * A template from its text in cdr_csv.conf.xml, or from variable names separated by commas. In the template text each
     * field (the commas outside quotes part them) is one variable; a field without one (literal text, a function such as
     * {@code ${strftime(...)}}) is read and ignored; a field with two variables cannot be told apart and is refused.
     */
    public static FreeSwitchTemplate parse(String text) {
        List<String> names = new ArrayList<>();
        if (text.contains("${")) {
            String[] fields = text.strip().split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
            for (int i = 0; i < fields.length; i++) {
                Matcher m = VARIABLE.matcher(fields[i]);
                List<String> in = new ArrayList<>();
                while (m.find()) {
                    in.add(m.group(1).toLowerCase(Locale.ROOT));
                }
                if (in.size() > 1) {
                    throw new IllegalArgumentException("field " + (i + 1) + " of the FreeSWITCH template (" + fields[i].strip()
                            + ") holds " + in.size() + " variables: Sluice reads one variable per field");
                }
                names.add(in.isEmpty() ? "ignored_" + (i + 1) : in.get(0));
            }
        }
        if (names.isEmpty()) {
            for (String part : text.split(",")) {
                String name = part.strip().replaceAll("^\"|\"$", "").toLowerCase(Locale.ROOT);
                if (!name.matches("[a-z0-9_.-]+")) {
                    throw new IllegalArgumentException("'" + part.strip() + "' is not a channel variable name: give the template as "
                            + "written in cdr_csv.conf.xml (\"${caller_id_name}\",...) or as names separated by commas");
                }
                names.add(name);
            }
        }
        return new FreeSwitchTemplate(names);
    }

    /** Where each variable is, by name. */
    Map<String, Integer> positions() {
        Map<String, Integer> at = new HashMap<>();
        for (int i = 0; i < variables.size(); i++) {
            at.putIfAbsent(variables.get(i), i);
        }
        return at;
    }

    /** The template as names separated by commas, as {@link #parse} reads it back. */
    @Override
    public String toString() {
        return String.join(",", variables);
    }
}
