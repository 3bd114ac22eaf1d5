#include "report.hpp"

#include <pgstore/rules.hpp>
#include <pgstore/version.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace pgstore::cli {
namespace {

using json = nlohmann::ordered_json;

json location_json(const location& at)
{
    json j = {{"file", at.source}};
    if (at.has_position()) {
        j["line"] = at.line;
        j["column"] = at.column;
    }
    return j;
}

// SARIF wants URI references; a path is one once reserved characters are percent-encoded.
std::string to_uri(const std::string& path)
{
    std::string out;
    for (char ch : path) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0 || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

json sarif_location(const location& at)
{
    json physical = {{"artifactLocation", {{"uri", to_uri(at.source)}}}};
    if (at.has_position())
        physical["region"] = {{"startLine", at.line}, {"startColumn", at.column}};
    return {{"physicalLocation", physical}};
}

std::string plural(std::size_t n, const char* word)
{
    return std::to_string(n) + ' ' + word + (n == 1 ? "" : "s");
}

} // namespace

totals count_all(const std::vector<file_report>& reports)
{
    totals t;
    for (const auto& r : reports) {
        t.errors += count(r.findings, severity::error);
        t.warnings += count(r.findings, severity::warning);
        t.notes += count(r.findings, severity::note);
    }
    return t;
}

static std::size_t unread(const std::vector<file_report>& reports)
{
    return static_cast<std::size_t>(
        std::count_if(reports.begin(), reports.end(), [](const file_report& r) { return !r.read_error.empty(); }));
}

void write_text(std::ostream& out, const std::vector<file_report>& reports)
{
    for (const auto& r : reports) {
        for (const auto& d : r.findings)
            out << d.to_string();
    }
    const totals t = count_all(reports);
    const std::size_t not_read = unread(reports);
    out << "pgstore: checked " << plural(reports.size() - not_read, "file");
    if (not_read > 0)
        out << " (" << not_read << " could not be read)";
    out << ": " << plural(t.errors, "error") << ", " << plural(t.warnings, "warning") << ", "
        << plural(t.notes, "note") << '\n';
}

void write_json(std::ostream& out, const std::vector<file_report>& reports)
{
    json files = json::array();
    for (const auto& r : reports) {
        json items = json::array();
        for (const auto& d : r.findings) {
            json item = {{"severity", std::string(to_string(d.level))}, {"rule", d.rule}, {"key", d.key}};
            item.update(location_json(d.where));
            item["message"] = d.message;
            item["hint"] = d.hint;
            if (d.related) {
                json related = location_json(*d.related);
                related["message"] = d.related_message;
                item["related"] = related;
            }
            items.push_back(item);
        }
        json file = {{"file", r.file}, {"diagnostics", items}};
        if (!r.read_error.empty())
            file["error"] = "cannot read the file: " + r.read_error;
        files.push_back(file);
    }
    const totals t = count_all(reports);
    json doc = {{"tool", "pgstore"},
                {"version", version},
                {"files", files},
                {"summary",
                 {{"errors", t.errors},
                  {"warnings", t.warnings},
                  {"notes", t.notes},
                  {"unreadable", unread(reports)}}}};
    out << doc.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

void write_sarif(std::ostream& out, const std::vector<file_report>& reports)
{
    json rules = json::array();
    for (const auto& r : all_rules) {
        rules.push_back({{"id", r.id},
                         {"shortDescription", {{"text", r.summary}}},
                         {"defaultConfiguration", {{"level", std::string(to_string(r.level))}}}});
    }
    json results = json::array();
    json artifacts = json::array();
    json notifications = json::array();
    std::vector<std::string> artifact_uris;  // the schema wants each artifact once
    for (const auto& report : reports) {
        const std::string uri = to_uri(report.file);
        if (std::find(artifact_uris.begin(), artifact_uris.end(), uri) == artifact_uris.end()) {
            artifact_uris.push_back(uri);
            artifacts.push_back({{"location", {{"uri", uri}}}});
        }
        if (!report.read_error.empty()) {
            const json where = {{"physicalLocation", {{"artifactLocation", {{"uri", uri}}}}}};
            notifications.push_back({{"level", "error"},
                                     {"message", {{"text", "cannot read the file: " + report.read_error}}},
                                     {"locations", json::array({where})}});
        }
        for (const auto& d : report.findings) {
            json result = {{"ruleId", d.rule}};
            for (std::size_t i = 0; i < all_rules.size(); ++i) {
                if (all_rules[i].id == d.rule)
                    result["ruleIndex"] = i;
            }
            result["level"] = std::string(to_string(d.level));
            result["message"] = {{"text", d.message + " (hint: " + d.hint + ")"}};
            result["locations"] = json::array({sarif_location(d.where)});
            if (d.related) {
                json related = sarif_location(*d.related);
                related["id"] = 0;
                related["message"] = {{"text", d.related_message}};
                result["relatedLocations"] = json::array({related});
            }
            result["properties"] = {{"key", d.key}, {"hint", d.hint}};
            results.push_back(result);
        }
    }
    json driver = {{"name", "pgstore"},
                   {"version", version},
                   {"semanticVersion", version},
                   {"rules", rules}};
    json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                {"version", "2.1.0"},
                {"runs", json::array({{{"tool", {{"driver", driver}}},
                                       {"invocations", json::array({{{"executionSuccessful", notifications.empty()},
                                                                     {"toolExecutionNotifications", notifications}}})},
                                       {"artifacts", artifacts},
                                       {"results", results}}})}};
    out << log.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

} // namespace pgstore::cli
