# The training runs of MSMISIM_PGO: the instrumented msmisim does what its users do most, and
# GCC writes a profile of it (one .gcda file per object) into the folder the instrumented build
# named. Run by the build (CMakeLists.txt, MSMISIM_PGO) as
#   cmake -DMSMISIM=<instrumented msmisim> -DSOURCE_DIR=<repository> -DWORK_DIR=<scratch>
#         -DPROFILE_DIR=<where the instrumented build writes> -P scripts/pgo-train.cmake
# What it runs: every scenario folder, recorded into a store (the engine, the simulated world,
# the recorder); a sweep without a store; the store's queries and diagnosis; an export in three
# formats and their import. A profile left from an earlier training is removed first (GCC would
# add the new counts to it). A command that crashes or is refused (an exit code other than 0, or
# 1 for a scenario's expectation not met) stops the build, as does a training that leaves no
# profile: the optimised build would otherwise go on quietly without one.
cmake_minimum_required(VERSION 3.25)

foreach(var MSMISIM SOURCE_DIR WORK_DIR PROFILE_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "pgo-train.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}" "${PROFILE_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(train)
  execute_process(COMMAND "${MSMISIM}" ${ARGN} WORKING_DIRECTORY "${WORK_DIR}"
                  RESULT_VARIABLE code OUTPUT_QUIET ERROR_VARIABLE errors)
  # Exit code 1 is a scenario's expectation not met: a finding, not a failed training run.
  if(NOT code EQUAL 0 AND NOT code EQUAL 1)
    string(JOIN " " command ${ARGN})
    message(FATAL_ERROR "PGO training: msmisim ${command} exited ${code}: ${errors}")
  endif()
endfunction()

foreach(folder kb examples regression)
  train(run "${SOURCE_DIR}/scenarios/${folder}" --db train.db --quiet)
endforeach()
train(sweep "${SOURCE_DIR}/scenarios/kb/Q151791.json" --seeds 1..20 --no-db -j 1)
train(query --db train.db --event-id 2342 --limit 100)
train(query --db train.db --search "0x15" --limit 100)
train(query --db train.db --count-by event_id)
train(runs --db train.db)
train(diagnose --db train.db)
foreach(format evt xml csv)
  train(export --db train.db --format ${format} -o "events.${format}")
  train(import "events.${format}" --db imported.db)
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(GLOB_RECURSE profiles "${PROFILE_DIR}/*.gcda")
list(LENGTH profiles count)
if(count EQUAL 0)
  message(FATAL_ERROR "PGO training: no profile in ${PROFILE_DIR}; is ${MSMISIM} instrumented?")
endif()
message(STATUS "PGO training: ${count} profile files in ${PROFILE_DIR}")
