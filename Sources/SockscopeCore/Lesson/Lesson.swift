/// A lesson: real sockets in a namespace of its own, taken through a part of TCP step by step.
/// Data only: the lab performs the actions, the kernel's tables and the capture are checked
/// against the expectations.
public struct Lesson: Sendable {
    /// What `sockscope lesson NAME` takes.
    public var name: String
    public var title: String
    /// One line for `sockscope lesson`'s list.
    public var summary: String
    public var steps: [LessonStep]

    public init(name: String, title: String, summary: String, steps: [LessonStep]) {
        self.name = name
        self.title = title
        self.summary = summary
        self.steps = steps
    }
}

/// One step: what is about to happen and why, the calls that make it happen, and what the kernel
/// must show afterwards, within a deadline.
public struct LessonStep: Sendable {
    public var title: String
    /// Said before the step runs.
    public var says: String
    public var actions: [LabAction]
    public var expect: [Expectation]
    /// Seconds for every expectation to hold at once.
    public var within: Double
    /// Said once the step has passed: what the learner just saw.
    public var then: String?

    public init(_ title: String, says: String, do actions: [LabAction], expect: [Expectation], within: Double = 5,
                then: String? = nil) {
        self.title = title
        self.says = says
        self.actions = actions
        self.expect = expect
        self.within = within
        self.then = then
    }
}
