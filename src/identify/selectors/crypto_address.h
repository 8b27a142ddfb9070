#pragma once
// Cryptocurrency wallet addresses and Tor onion addresses in text.
//
// Coins: Bitcoin (base58check P2PKH/P2SH, segwit bech32/bech32m), Litecoin (L/M, ltc1), Bitcoin
// Cash (CashAddr), Ethereum and ERC-20 tokens (0x + 40 hex, EIP-55), TRON (T..., base58check
// 0x41), Monero (Monero base58 + Keccak-256), Zcash transparent (t1/t3), Dash (X/7). Payment
// URIs (BIP-21 "bitcoin:ADDR?amount=", EIP-681 "ethereum:0x..@1/transfer?address=..", "monero:",
// "litecoin:", "tron:", "bitcoincash:", "dash:", "zcash:") give the address with the URI in the
// details.
//
// Scanning looks at maximal runs of ASCII letters and digits only, so an address glued into a
// longer word is not reported. Only tokens whose length and leading characters fit an address
// are decoded, at most kMaxCryptoDecodesPerText per call. A token of an exact address length
// whose version byte (or HRP, or tag) names a coin but whose checksum fails is reported as a
// SelectorAnomaly "<coin>.bad_checksum" (bitcoin, litecoin, bitcoin_cash, ethereum, tron,
// monero, zcash, dash), never as a selector.
//
// details JSON per selector: {"network":"mainnet"|"testnet"|"regtest"|"stagenet","type":..}
// with type p2pkh, p2sh, p2wpkh, p2wsh, p2tr, witness_vN, p2pkh_token, p2sh_token (CashAddr
// CashTokens), account, token_contract (EIP-681 transfer target), standard, subaddress,
// integrated (Monero; "payment_id" hex); "witness_version" for segwit; for URIs "uri", and when
// present "amount", "label", "message", "chain_id", "token" (the ERC-20 contract of a transfer).

#include <cstddef>
#include <optional>
#include <string_view>

#include "identify/selectors/selector.h"

namespace dragnet::identify {

inline constexpr size_t kMaxCryptoDecodesPerText = 4096;
inline constexpr size_t kMaxOnionDecodesPerText = 4096;

// Appends every valid address in `text` (all coins above), in text order, and the anomalies.
// Offsets cover the address as written (for "bitcoincash:q..." the prefix too); for a payment
// URI only its address part. When the decode cap is reached, scanning stops with an anomaly
// "crypto.scan_capped".
void FindCryptoAddresses(std::string_view text, SelectorFindings& out);

// Appends onion services: v3 (56 base32 characters + ".onion", also inside URLs and under
// subdomains, case-insensitive; validation "onion-v3-checksum") and legacy v2 (16 characters +
// ".onion"; "onion-v2-syntax", confidence 0.8, details {"version":2,"legacy":true}). A bare
// 56-character label without ".onion" is reported only when its checksum passes (details
// "bare":true). A 56-character label + ".onion" that does not decode, or whose checksum or
// version is wrong, is an anomaly "onion.bad_checksum". Offsets cover "label.onion" (or the bare
// label); the value is "<lower-case label>.onion". Cap: "onion.scan_capped".
void FindOnions(std::string_view text, SelectorFindings& out);

// Validates one candidate token exactly (no surrounding text): any address FindCryptoAddresses
// reports, including "bitcoincash:"/"bchtest:"-prefixed CashAddr. nullopt when not a valid
// address. The result has begin = 0, end = token.size() and no URI details.
std::optional<Selector> ValidateAddress(std::string_view token);

// "xxx.onion" (also "sub.xxx.onion", any case) or a bare 56- or 16-character label; nullopt
// when not valid. A bare 16-character label is accepted as v2 (its syntax is all there is).
std::optional<Selector> ValidateOnion(std::string_view host);

}  // namespace dragnet::identify
