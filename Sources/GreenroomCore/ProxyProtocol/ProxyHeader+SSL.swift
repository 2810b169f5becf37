extension ProxyHeader {
    /// The value of a `PP2_TYPE_SSL` TLV: how the client reached the proxy over TLS.
    ///
    /// Layout (spec 2.2.6): one byte of client flags, a 32-bit `verify` result, then sub-TLVs
    /// (version, client certificate CN, cipher, signature and key algorithms).
    public struct SSLInfo: Sendable, Hashable {
        /// `PP2_CLIENT_*` flags: what the client presented.
        public struct ClientFlags: OptionSet, Sendable, Hashable {
            /// The flag byte.
            public let rawValue: UInt8

            /// Creates flags from their byte.
            @inlinable
            public init(rawValue: UInt8) { self.rawValue = rawValue }

            /// `PP2_CLIENT_SSL`: the client connected over TLS.
            public static let ssl = ClientFlags(rawValue: 0x01)
            /// `PP2_CLIENT_CERT_CONN`: the client presented a certificate on this connection.
            public static let certificateOnConnection = ClientFlags(rawValue: 0x02)
            /// `PP2_CLIENT_CERT_SESS`: the client presented a certificate at least once in this TLS session.
            public static let certificateInSession = ClientFlags(rawValue: 0x04)
        }

        /// What the client presented.
        public let client: ClientFlags
        /// Zero when the client's certificate was verified, non-zero otherwise.
        ///
        /// HAProxy also sends zero when no certificate was presented, so check ``client`` (or use
        /// ``clientCertificateVerified``).
        public let verify: UInt32
        /// The sub-TLVs, in order.
        public let subTLVs: TLVs

        /// Reads an SSL TLV value that the parser has validated (at least 5 bytes, whole sub-TLVs).
        @usableFromInline
        init(value: ArraySlice<UInt8>) {
            let start = value.startIndex
            self.client = ClientFlags(rawValue: value.first ?? 0)
            var verify: UInt32 = 0
            if value.count >= 5 {
                for index in (start + 1)..<(start + 5) { verify = verify << 8 | UInt32(value[index]) }
                self.subTLVs = TLVs(bytes: value[(start + 5)...])
            } else {
                self.subTLVs = TLVs(bytes: [])
            }
            self.verify = verify
        }

        /// `true` when the client presented a certificate and the proxy verified it.
        public var clientCertificateVerified: Bool {
            verify == 0 && !client.isDisjoint(with: [.certificateOnConnection, .certificateInSession])
        }

        /// `PP2_SUBTYPE_SSL_VERSION`: the TLS version, e.g. `TLSv1.3`.
        public var version: String? { text(.sslVersion) }
        /// `PP2_SUBTYPE_SSL_CN`: the client certificate's Common Name.
        public var commonName: String? { text(.sslCommonName) }
        /// `PP2_SUBTYPE_SSL_CIPHER`: the cipher, e.g. `ECDHE-RSA-AES128-GCM-SHA256`.
        public var cipher: String? { text(.sslCipher) }
        /// `PP2_SUBTYPE_SSL_SIG_ALG`: the signature algorithm of the proxy's certificate, e.g. `RSA-SHA256`.
        public var signatureAlgorithm: String? { text(.sslSignatureAlgorithm) }
        /// `PP2_SUBTYPE_SSL_KEY_ALG`: the key algorithm of the proxy's certificate, e.g. `RSA2048`.
        public var keyAlgorithm: String? { text(.sslKeyAlgorithm) }

        private func text(_ type: TLVType) -> String? {
            subTLVs.first(type).flatMap { String(validating: $0, as: UTF8.self) }
        }
    }
}
