// TEMPORARY stand-in until the diagrams branch lands.
public struct DiagramNode: Sendable, Equatable {
    public var key: String, label: String, title: String, href: String?, status: String?, kind: String?, date: String?, isFocus: Bool
    public init(key: String, label: String, title: String, href: String? = nil, status: String? = nil, kind: String? = nil, date: String? = nil, isFocus: Bool = false) {
        self.key = key; self.label = label; self.title = title; self.href = href; self.status = status; self.kind = kind; self.date = date; self.isFocus = isFocus
    }
}
public struct DiagramEdge: Sendable, Equatable {
    public var from: Int, to: Int, relation: String
    public init(from: Int, to: Int, relation: String) { self.from = from; self.to = to; self.relation = relation }
}
public enum SVGDiagrams {
    public static func relationGraph(nodes: [DiagramNode], edges: [DiagramEdge], title: String, includeIsolated: Bool = false) -> String { "<svg></svg>" }
    public static func neighbourhood(nodes: [DiagramNode], edges: [DiagramEdge], focus: Int, title: String) -> String { "<svg></svg>" }
    public static func timeline(nodes: [DiagramNode], edges: [DiagramEdge], title: String) -> String { "<svg></svg>" }
}
