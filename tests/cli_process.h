// Runs the msmisim binary the way a user or a CI job does, for the suites that test the command
// line: its exit code and what it printed.
#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

struct CliResult {
  int code = -1;  // -1 when the process crashed or did not finish
  QString out;
  QString err;
};

// `env`: variables ("NAME=value") set for this run on top of the test's own environment.
inline CliResult run_msmisim(const QStringList& args, const QString& cwd,
                             const QStringList& env = {}) {
  QProcess process;
  process.setWorkingDirectory(cwd);
  if (!env.isEmpty()) {
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString& variable : env) {
      environment.insert(variable.section('=', 0, 0), variable.section('=', 1));
    }
    process.setProcessEnvironment(environment);
  }
  process.start(MSMISIM_BINARY, args);
  process.waitForFinished(120'000);
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
          QString::fromUtf8(process.readAllStandardOutput()),
          QString::fromUtf8(process.readAllStandardError())};
}
