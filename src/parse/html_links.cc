#include "parse/html_links.h"

#include <cstring>

#include <gumbo.h>

namespace dragnet::parse {
namespace {

const char* LinkAttribute(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_AREA:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_BASE:
      return "href";
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_FRAME:
    case GUMBO_TAG_SOURCE:
      return "src";
    case GUMBO_TAG_FORM:
      return "action";
    default:
      return nullptr;
  }
}

}  // namespace

std::vector<std::string> ExtractLinks(std::string_view html, size_t max_links) {
  std::vector<std::string> links;
  GumboOptions options = kGumboDefaultOptions;
  // Deeply nested hostile markup must not exhaust the stack or the heap.
  options.max_errors = 1000;
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  if (output == nullptr)
    return links;
  std::string base;
  // Iterative walk: recursion depth would follow the page's nesting, which a page controls.
  std::vector<const GumboNode*> stack{output->root};
  while (!stack.empty() && links.size() < max_links) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE)
      continue;
    const GumboElement& element = node->v.element;
    if (const char* name = LinkAttribute(element.tag)) {
      if (const GumboAttribute* attr = gumbo_get_attribute(&element.attributes, name)) {
        if (element.tag == GUMBO_TAG_BASE) {
          if (base.empty())
            base = attr->value;
        } else if (std::strlen(attr->value) > 0) {
          links.emplace_back(attr->value);
        }
      }
    }
    for (unsigned i = element.children.length; i > 0; --i) {
      stack.push_back(static_cast<const GumboNode*>(element.children.data[i - 1]));
    }
  }
  gumbo_destroy_output(&options, output);
  if (!base.empty())
    links.insert(links.begin(), base);
  return links;
}

}  // namespace dragnet::parse
