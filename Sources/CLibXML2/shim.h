// The parts of libxml2 NestNet uses: the streaming writer for JUnit XML, and the parser and
// XML Schema validator for tests that check reports against the Jenkins JUnit schema.
#include <libxml/xmlwriter.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
