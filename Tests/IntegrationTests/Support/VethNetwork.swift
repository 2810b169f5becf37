import Foundation

/// Two namespaces joined by a veth pair: the app's side and a client's, on a test subnet
/// (`10.213.0.0/24`, private to the pair: parallel pairs do not see each other).
final class VethNetwork: @unchecked Sendable {
    /// Where the app runs; its veth end has ``appAddress``.
    let app: NetworkNamespace
    /// Where the client runs; its veth end has ``clientAddress``.
    let client: NetworkNamespace
    let appAddress = "10.213.0.1"
    let clientAddress = "10.213.0.2"

    private init(app: NetworkNamespace, client: NetworkNamespace) {
        self.app = app
        self.client = client
    }

    /// Creates both namespaces and the link, and checks the client reaches the app's address.
    static func create() async throws -> VethNetwork {
        let app = try await NetworkNamespace.create(role: "a")
        let client: NetworkNamespace
        do {
            client = try await NetworkNamespace.create(role: "c")
        } catch {
            app.remove()
            throw error
        }
        let network = VethNetwork(app: app, client: client)
        do {
            // Both ends are created directly inside their namespaces: nothing ever appears on the host.
            let (appLink, clientLink) = ("veth-app", "veth-client")
            try await app.ipCommand([
                "link", "add", appLink, "netns", app.name, "type", "veth", "peer", "name", clientLink, "netns",
                client.name,
            ])
            try await app.ipCommand(["-n", app.name, "addr", "add", "\(network.appAddress)/24", "dev", appLink])
            try await app.ipCommand([
                "-n", client.name, "addr", "add", "\(network.clientAddress)/24", "dev", clientLink,
            ])
            try await app.ipCommand(["-n", app.name, "link", "set", appLink, "up"])
            try await app.ipCommand(["-n", client.name, "link", "set", clientLink, "up"])
        } catch {
            network.remove()
            throw error
        }
        return network
    }

    /// Removes both namespaces.
    func remove() {
        client.remove()
        app.remove()
    }

    deinit { remove() }
}
