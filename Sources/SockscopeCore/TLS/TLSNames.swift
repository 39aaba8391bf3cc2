/// The names RFC 8446 (and RFC 5246 before it) gives to record types, handshake messages and
/// alerts, as Wireshark and the RFCs' readers know them.
public enum TLSNames {
    public static let changeCipherSpec: UInt8 = 20
    public static let alert: UInt8 = 21
    public static let handshake: UInt8 = 22
    public static let applicationData: UInt8 = 23

    public static func contentType(_ type: UInt8) -> String {
        switch type {
        case changeCipherSpec: "ChangeCipherSpec"
        case alert: "Alert"
        case handshake: "Handshake"
        case applicationData: "ApplicationData"
        case 24: "Heartbeat"
        default: "record type \(type)"
        }
    }

    public static func handshakeMessage(_ type: UInt8) -> String {
        switch type {
        case 0: "HelloRequest"
        case 1: "ClientHello"
        case 2: "ServerHello"
        case 4: "NewSessionTicket"
        case 5: "EndOfEarlyData"
        case 8: "EncryptedExtensions"
        case 11: "Certificate"
        case 12: "ServerKeyExchange"
        case 13: "CertificateRequest"
        case 14: "ServerHelloDone"
        case 15: "CertificateVerify"
        case 16: "ClientKeyExchange"
        case 20: "Finished"
        case 21: "CertificateURL"
        case 22: "CertificateStatus"
        case 24: "KeyUpdate"
        case 254: "MessageHash"
        default: "handshake message \(type)"
        }
    }

    /// `close_notify`, `fatal handshake_failure`: a warning's level is left out (close_notify
    /// and user_canceled are sent as warnings), a fatal one is said.
    public static func alert(level: UInt8, description: UInt8) -> String {
        let name = alertDescription(description)
        return level == 2 ? "fatal \(name)" : name
    }

    public static func alertDescription(_ code: UInt8) -> String {
        switch code {
        case 0: "close_notify"
        case 10: "unexpected_message"
        case 20: "bad_record_mac"
        case 21: "decryption_failed"
        case 22: "record_overflow"
        case 40: "handshake_failure"
        case 42: "bad_certificate"
        case 43: "unsupported_certificate"
        case 44: "certificate_revoked"
        case 45: "certificate_expired"
        case 46: "certificate_unknown"
        case 47: "illegal_parameter"
        case 48: "unknown_ca"
        case 49: "access_denied"
        case 50: "decode_error"
        case 51: "decrypt_error"
        case 70: "protocol_version"
        case 71: "insufficient_security"
        case 80: "internal_error"
        case 86: "inappropriate_fallback"
        case 90: "user_canceled"
        case 100: "no_renegotiation"
        case 109: "missing_extension"
        case 110: "unsupported_extension"
        case 112: "unrecognized_name"
        case 113: "bad_certificate_status_response"
        case 115: "unknown_psk_identity"
        case 116: "certificate_required"
        case 120: "no_application_protocol"
        default: "alert \(code)"
        }
    }
}
