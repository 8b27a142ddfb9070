#pragma once
// The main content of a page without its boilerplate (navigation, menus, category sidebars,
// login / register / cart bars, search and login forms, footers, cookie banners), so that the
// analyzers (substance identification, near-duplicate hashing) see the listing itself.
//
// The page is cut into text blocks at block-level elements, as in Kohlschütter, Fankhauser and
// Nejdl, "Boilerplate Detection using Shallow Text Features" (WSDM 2010), and each block is judged
// by the paper's shallow features (link density, word count, text density, the neighbouring
// blocks) together with structural cues: <nav>, <aside>, site-level <header> and <footer>, ARIA
// landmarks of the same meaning, login and search forms, and elements whose id or class has the
// word nav, menu, footer, sidebar, breadcrumb or cookie. Headings, price tables and descriptions
// are kept. libxml2's HTML parser in SAX mode (html_sax.h): no tree, broken markup recovered.

#include <cstddef>
#include <string>
#include <string_view>

namespace dragnet::parse {

struct MainContent {
  std::string text;  // the main content's visible text (UTF-8), lines separated by '\n'
  size_t kept_blocks = 0, dropped_blocks = 0;
};

// `html` is UTF-8 (see charset.h). Script, style, template and noscript are never text; image alt
// texts are kept in brackets, as html_text.h does. Never drops everything: when no block
// qualifies, the blocks outside the page's furniture are returned (a category page is all links),
// and failing that the full text. At most 64 MiB of text and 2^20 blocks are collected, so a
// hostile page costs time and memory linear in its size.
MainContent ExtractMainContent(std::string_view html);

}  // namespace dragnet::parse
