// The parts of libxml2 NestNet uses: the streaming writer for JUnit XML, and the parser and
// XML Schema validator for tests that check reports against the Jenkins JUnit schema.
//
// Debian's libxml2 is built with ICU, so <libxml/encoding.h> pulls in the system's
// <unicode/ucnv.h>. Swift's Foundation ships its own ICU headers (module _FoundationICU) whose
// `UErrorCode` differs, and clang refuses a Swift file that sees both. NestNet never touches
// the ICU-only fields of libxml2's encoding structs (it only passes pointers to them), so the
// ICU part of the headers is switched off here.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlwriter.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
