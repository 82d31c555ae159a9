// Reading the HTML reports in tests: a file's text, an element's opening tag and attributes, a
// chart's <svg> element and its series.
#pragma once

#include <QFile>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace htmltest {

inline QString read_text(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(file.readAll());
}

// The opening tag of the element with id `id` ("" when there is none).
inline QString tag_with_id(const QString& html, const QString& id) {
  const QRegularExpression re("<[a-z]+ [^>]*id=\"" + QRegularExpression::escape(id) + "\"[^>]*>");
  return re.match(html).captured(0);
}

// The value of attribute `name` in `tag`, or "" when absent.
inline QString attribute(const QString& tag, const QString& name) {
  const QRegularExpression re(" " + QRegularExpression::escape(name) + "=\"([^\"]*)\"");
  return re.match(tag).captured(1);
}

// The whole <svg id="id">…</svg> element.
inline QString svg_element(const QString& html, const QString& id) {
  const qsizetype start =
      html.indexOf("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" + id + "\"");
  if (start < 0) return {};
  const qsizetype end = html.indexOf("</svg>", start);
  return end < 0 ? QString() : html.mid(start, end + 6 - start);
}

// The opening tags of the <g class="series…"> groups of one chart.
inline QStringList series_tags(const QString& svg) {
  QStringList tags;
  const QRegularExpression re("<g class=\"series[^\"]*\"[^>]*>");
  for (auto it = re.globalMatch(svg); it.hasNext();) tags << it.next().captured(0);
  return tags;
}

}  // namespace htmltest
