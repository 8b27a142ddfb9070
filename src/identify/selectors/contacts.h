#pragma once
// Contact selectors in text: URLs and their domains, e-mail addresses (also written as
// "name [at] domain [dot] com"), Telegram (links, invite links, bots, @handles), WhatsApp,
// Signal, Threema, Wickr, Session, XMPP/Jabber and Discord. Messenger names with no checksum
// are taken only where their syntax is unmistakable (a t.me link, a Session id) or a word
// such as "Wickr:" or "jabber" introduces them; confidence says which.

#include <string_view>

#include "identify/selectors/phone.h"
#include "identify/selectors/selector.h"

namespace dragnet::identify {

// `region` is the page's region for phone numbers given after "WhatsApp:" and the like (see
// InferPhoneRegion); "" = international numbers only.
void FindContacts(std::string_view text, std::string_view region, SelectorFindings& out);
void FindContacts(std::string_view text, PhoneRegion& region, SelectorFindings& out);

// The canonical form of a URL written in text ("HTTP://Example.COM:80/a#x" ->
// "http://example.com/a"), or "" when it is not an absolute http(s) or ftp URL with a valid host.
std::string CanonicalUrl(std::string_view url, std::string* host = nullptr);

}  // namespace dragnet::identify
