#include "app/physio_command.h"

#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>

#include "physio/patient.h"

namespace medvision {
namespace physio_cli {
namespace {

std::string at_line(const std::string& file, const YAML::Node& node) {
  return file + " line " + std::to_string(node.Mark().line + 1) + ": ";
}

Result<double> number_field(const std::string& file, const YAML::Node& value,
                            const std::string& name) {
  const std::string got =
      value.IsScalar() ? "'" + value.Scalar() + "'" : std::string("a list or map");
  double v = 0;
  if (!value.IsScalar() || !YAML::convert<double>::decode(value, v) || !std::isfinite(v)) {
    return make_error(ErrorCode::invalid_input,
                      at_line(file, value) + "`" + name + "` must be a number, got " + got);
  }
  return v;
}

Result<std::string> word_field(const std::string& file, const YAML::Node& value,
                               const std::string& name) {
  if (!value.IsScalar()) {
    return make_error(ErrorCode::invalid_input,
                      at_line(file, value) + "`" + name + "` must be a word");
  }
  return value.Scalar();
}

Result<TimedAction> parse_entry(const std::string& file, const YAML::Node& entry) {
  if (!entry.IsMap()) {
    return make_error(ErrorCode::invalid_input,
                      at_line(file, entry) + "each action must be a map with `at_s` and `action`");
  }
  TimedAction out;
  out.line = entry.Mark().line + 1;
  const YAML::Node at = entry["at_s"];
  if (!at)
    return make_error(ErrorCode::invalid_input, at_line(file, entry) + "missing `at_s` (seconds)");
  const auto at_s = number_field(file, at, "at_s");
  if (!at_s.ok()) return at_s.error();
  if (*at_s < 0)
    return make_error(ErrorCode::invalid_input, at_line(file, at) + "`at_s` must be 0 or more");
  out.at_s = *at_s;
  const YAML::Node name = entry["action"];
  if (!name) return make_error(ErrorCode::invalid_input, at_line(file, entry) + "missing `action`");
  const auto action = word_field(file, name, "action");
  if (!action.ok()) return action.error();
  const physio::ActionSpec* spec = physio::find_action(*action);
  if (spec == nullptr) {
    std::string known;
    for (const auto& s : physio::action_specs()) known += (known.empty() ? "" : ", ") + s.name;
    return make_error(ErrorCode::invalid_input, at_line(file, name) + "unknown action '" + *action +
                                                    "'; expected one of " + known);
  }
  out.action = *action;
  for (const auto& kv : entry) {
    const std::string key = kv.first.as<std::string>();
    if (key == "at_s" || key == "action") continue;
    const auto field = std::find_if(spec->fields.begin(), spec->fields.end(),
                                    [&](const physio::ActionField& f) { return f.name == key; });
    if (field == spec->fields.end()) {
      std::string expected;
      for (const auto& f : spec->fields) expected += (expected.empty() ? "" : ", ") + f.name;
      return make_error(ErrorCode::invalid_input,
                        at_line(file, kv.first) + "unknown field `" + key + "` for action `" +
                            out.action + "`" +
                            (expected.empty() ? "; it takes no fields" : "; expected " + expected));
    }
    if (field->numeric) {
      const auto v = number_field(file, kv.second, key);
      if (!v.ok()) return v.error();
      out.args.numbers[key] = *v;
    } else {
      const auto w = word_field(file, kv.second, key);
      if (!w.ok()) return w.error();
      out.args.words[key] = *w;
    }
  }
  for (const auto& f : spec->fields) {
    const bool present =
        f.numeric ? out.args.numbers.count(f.name) > 0 : out.args.words.count(f.name) > 0;
    if (f.required && !present) {
      return make_error(ErrorCode::invalid_input, at_line(file, entry) + "action `" + out.action +
                                                      "` needs `" + f.name + "`");
    }
  }
  return out;
}

// Plot of the main vitals: heart rate and pressures, SpO2 and EtCO2, over time.
void write_svg(std::ostream& out, const std::vector<physio::Vitals>& rows,
               const std::vector<TimedAction>& actions) {
  const double w = 900, panel_h = 180, left = 60, right = 20, top = 30;
  const double t_end = rows.empty() ? 1.0 : std::max(rows.back().time_s, 1.0);
  struct Series {
    const char* label;
    const char* colour;
    double physio::Vitals::*field;
    double scale;
  };
  struct Panel {
    const char* title;
    double lo, hi;
    std::vector<Series> series;
  };
  const std::vector<Panel> panels = {
      {"Heart rate (/min) and blood pressure (mmHg)",
       0,
       200,
       {{"HR", "#d62728", &physio::Vitals::heart_rate_per_min, 1},
        {"systolic", "#1f77b4", &physio::Vitals::systolic_mmHg, 1},
        {"MAP", "#2ca02c", &physio::Vitals::map_mmHg, 1},
        {"diastolic", "#17becf", &physio::Vitals::diastolic_mmHg, 1}}},
      {"SpO2 (%), EtCO2 and PaCO2 (mmHg)",
       0,
       100,
       {{"SpO2", "#9467bd", &physio::Vitals::spo2, 100},
        {"EtCO2", "#ff7f0e", &physio::Vitals::etco2_mmHg, 1},
        {"PaCO2", "#8c564b", &physio::Vitals::paco2_mmHg, 1}}},
      {"Cardiac output (L/min x10), respiration rate (/min)",
       0,
       80,
       {{"CO x10", "#e377c2", &physio::Vitals::cardiac_output_L_per_min, 10},
        {"RR", "#7f7f7f", &physio::Vitals::respiration_rate_per_min, 1}}},
  };
  const double plot_w = w - left - right;
  const double h = top + static_cast<double>(panels.size()) * (panel_h + 40) + 20;
  out << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h
      << "' font-family='sans-serif' font-size='11'>\n<rect width='100%' height='100%' "
         "fill='white'/>\n";
  double y0 = top;
  for (const auto& panel : panels) {
    const auto y_of = [&](double v) {
      return y0 + panel_h -
             (std::clamp(v, panel.lo, panel.hi) - panel.lo) / (panel.hi - panel.lo) * panel_h;
    };
    out << "<text x='" << left << "' y='" << y0 - 6 << "' font-weight='bold'>" << panel.title
        << "</text>\n";
    out << "<rect x='" << left << "' y='" << y0 << "' width='" << plot_w << "' height='" << panel_h
        << "' fill='none' stroke='#999'/>\n";
    for (int k = 0; k <= 4; ++k) {
      const double v = panel.lo + (panel.hi - panel.lo) * k / 4.0;
      out << "<text x='" << left - 6 << "' y='" << y_of(v) + 4 << "' text-anchor='end'>" << v
          << "</text>\n";
    }
    for (const auto& a : actions) {
      const double x = left + a.at_s / t_end * plot_w;
      out << "<line x1='" << x << "' y1='" << y0 << "' x2='" << x << "' y2='" << y0 + panel_h
          << "' stroke='#ccc' stroke-dasharray='3,3'><title>" << a.action << "</title></line>\n";
    }
    double legend_x = left + plot_w - 10;
    for (auto s = panel.series.rbegin(); s != panel.series.rend(); ++s) {
      out << "<polyline fill='none' stroke='" << s->colour << "' stroke-width='1.5' points='";
      for (const auto& r : rows)
        out << left + r.time_s / t_end * plot_w << "," << y_of(r.*(s->field) * s->scale) << " ";
      out << "'/>\n<text x='" << legend_x << "' y='" << y0 + 14 << "' text-anchor='end' fill='"
          << s->colour << "'>" << s->label << "</text>\n";
      legend_x -= 70;
    }
    y0 += panel_h + 40;
  }
  out << "<text x='" << left + plot_w / 2 << "' y='" << h - 8
      << "' text-anchor='middle'>time (s), 0 - " << t_end << "</text>\n</svg>\n";
}

void write_csv_header(std::ostream& out) {
  out << "time_s";
  for (const auto& name : physio::vital_names()) out << ',' << name;
  out << ",rhythm\n";
}

void write_csv_row(std::ostream& out, const physio::Vitals& v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f", v.time_s);
  out << buffer;
  for (const auto& name : physio::vital_names()) {
    std::snprintf(buffer, sizeof buffer, "%.4f", *physio::vital_by_name(v, name));
    out << ',' << buffer;
  }
  out << ',' << physio::to_string(v.rhythm) << '\n';
}

}  // namespace

Result<std::vector<TimedAction>> parse_actions(const std::string& yaml_text,
                                               const std::string& file_label) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return make_error(
        ErrorCode::invalid_input,
        file_label + " line " + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  std::vector<TimedAction> actions;
  if (root.IsNull()) return actions;
  if (!root.IsSequence()) {
    return make_error(ErrorCode::invalid_input,
                      file_label + " line 1: expected a list of actions (`- at_s: 60` ...)");
  }
  try {
    for (const auto& entry : root) {
      auto parsed = parse_entry(file_label, entry);
      if (!parsed.ok()) return parsed.error();
      actions.push_back(std::move(parsed).value());
    }
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::invalid_input,
                      file_label + " line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  std::stable_sort(actions.begin(), actions.end(),
                   [](const TimedAction& a, const TimedAction& b) { return a.at_s < b.at_s; });
  return actions;
}

Result<std::vector<TimedAction>> read_action_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::not_found, "cannot read action file " + path);
  std::stringstream text;
  text << in.rdbuf();
  const auto slash = path.find_last_of('/');
  return parse_actions(text.str(), slash == std::string::npos ? path : path.substr(slash + 1));
}

Status run_simulate(const SimulateOptions& options, std::FILE* log) {
  if (!std::isfinite(options.minutes) || options.minutes <= 0 || options.minutes > 24 * 60) {
    return make_error(ErrorCode::invalid_input, "--minutes must be between 0 and 1440");
  }
  auto model = physio::make_patient(options.patient, {{"seed", static_cast<double>(options.seed)}});
  if (!model.ok()) return model.error();
  std::vector<TimedAction> actions;
  std::string label;
  if (!options.actions_file.empty()) {
    auto read = read_action_file(options.actions_file);
    if (!read.ok()) return read.error();
    actions = std::move(read).value();
    const auto slash = options.actions_file.find_last_of('/');
    label =
        slash == std::string::npos ? options.actions_file : options.actions_file.substr(slash + 1);
  }
  // Dry run: every action applied in order to a scratch patient, so a bad
  // value or a wrong order fails before minutes of simulation.
  {
    physio::Patient scratch(*model);
    for (const auto& a : actions) {
      const auto applied = physio::apply_action(scratch.model, scratch.state, a.action, a.args);
      if (!applied.ok()) {
        return make_error(ErrorCode::invalid_input, label + " line " + std::to_string(a.line) +
                                                        ": " + applied.error().message);
      }
    }
  }
  std::ofstream csv(options.csv_file);
  if (!csv) return make_error(ErrorCode::unavailable, "cannot write CSV file " + options.csv_file);
  write_csv_header(csv);

  physio::Patient patient(*model);
  const auto total_s = static_cast<std::uint64_t>(std::llround(options.minutes * 60.0));
  const auto ticks_per_s = static_cast<std::uint64_t>(physio::kPhysioRateHz);
  const bool show_progress = total_s >= 600;
  std::vector<physio::Vitals> rows;
  rows.reserve(total_s + 1);
  std::size_t next = 0;
  for (std::uint64_t second = 0;; ++second) {
    for (std::uint64_t t = 0; t < ticks_per_s && second > 0; ++t) {
      // Actions land on the tick whose time reaches them.
      while (next < actions.size() && actions[next].at_s <= patient.state.time_s) {
        const auto& a = actions[next++];
        const auto applied = physio::apply_action(patient.model, patient.state, a.action, a.args);
        std::fprintf(log, "t=%.1f s: %s\n", patient.state.time_s,
                     applied.ok() ? applied->c_str() : applied.error().message.c_str());
      }
      patient.step();
    }
    if (second == 0) {
      while (next < actions.size() && actions[next].at_s <= 0.0) {
        const auto& a = actions[next++];
        const auto applied = physio::apply_action(patient.model, patient.state, a.action, a.args);
        std::fprintf(log, "t=0.0 s: %s\n",
                     applied.ok() ? applied->c_str() : applied.error().message.c_str());
      }
    }
    rows.push_back(patient.vitals());
    write_csv_row(csv, rows.back());
    if (show_progress && second > 0 && second % (total_s / 10) == 0) {
      std::fprintf(log, "physio: %.0f of %.0f min simulated\n", static_cast<double>(second) / 60.0,
                   options.minutes);
    }
    if (second >= total_s) break;
  }
  if (!csv)
    return make_error(ErrorCode::unavailable, "failed writing CSV file " + options.csv_file);
  if (!options.svg_file.empty()) {
    std::ofstream svg(options.svg_file);
    if (!svg)
      return make_error(ErrorCode::unavailable, "cannot write SVG file " + options.svg_file);
    write_svg(svg, rows, actions);
  }
  return {};
}

}  // namespace physio_cli

void add_physio_commands(CLI::App& app) {
  auto* physio = app.add_subcommand("physio", "Patient physiology on its own");
  physio->require_subcommand(1);
  auto options = std::make_shared<physio_cli::SimulateOptions>();
  auto* simulate = physio->add_subcommand(
      "simulate",
      "Simulate one patient and write its vital signs, one CSV row per simulated second");
  simulate->add_option("--patient", options->patient, "Preset: standard-male or standard-female")
      ->capture_default_str();
  simulate->add_option("--minutes", options->minutes, "Simulated minutes")->required();
  simulate->add_option("--actions", options->actions_file,
                       "YAML list of timed actions (see content/physio/)");
  simulate->add_option("--csv", options->csv_file, "Output CSV of vitals, one row per second")
      ->required();
  simulate->add_option("--svg", options->svg_file, "Also plot the main vitals over time as SVG");
  simulate
      ->add_option("--seed", options->seed, "Seed for defibrillation outcomes and the VF waveform")
      ->capture_default_str();
  simulate->callback([options] {
    const Status done = physio_cli::run_simulate(*options, stderr);
    if (!done.ok()) {
      std::fprintf(stderr, "medvision physio simulate: %s\n", done.error().message.c_str());
      throw CLI::RuntimeError(2);
    }
  });
}

}  // namespace medvision
