namespace Parley.Engine.Intents;

/// <summary>
/// The example messages behind <see cref="DefaultIntents"/>, written for Parley. They vary wording,
/// length and register (typos, no punctuation, polite and curt) because tenants' customers do.
/// Out-of-scope examples are everyday requests a support bot should not pretend to handle.
/// </summary>
internal static class DefaultIntentExamples
{
    public static IReadOnlyList<(string Intent, string[] Texts)> ByIntent { get; } =
    [
        (DefaultIntents.Greet, [
            "hi", "hello", "hey there", "good morning", "good afternoon", "good evening", "hiya",
            "hello, is anyone there?", "hi team", "hey!", "greetings", "howdy", "yo", "hi, I have a question",
            "hello support", "morning!",
        ]),
        (DefaultIntents.Goodbye, [
            "bye", "goodbye", "see you later", "that's all for now, bye", "talk to you later", "have a nice day",
            "cya", "bye bye", "I'm done, goodbye", "ok bye", "catch you later", "good night",
            "that's everything, take care", "see ya", "farewell", "I have to go now",
        ]),
        (DefaultIntents.Thanks, [
            "thanks", "thank you", "thanks a lot", "thank you so much", "cheers", "many thanks", "thx",
            "ty", "much appreciated", "thanks for your help", "great, thanks!", "that helped, thank you",
            "awesome thank you", "I appreciate it", "thanks, that solved it", "perfect, thanks",
        ]),
        (DefaultIntents.Affirm, [
            "yes", "yeah", "yep", "sure", "correct", "that's right", "exactly", "absolutely", "of course",
            "yes please", "ok", "okay", "sounds good", "definitely", "that is correct", "go ahead",
            "y", "right",
        ]),
        (DefaultIntents.Deny, [
            "no", "nope", "nah", "no thanks", "not really", "that's wrong", "incorrect", "no way",
            "absolutely not", "don't", "never", "not at all", "no, that's not it", "that is not what I asked",
            "n", "no, cancel that",
        ]),
        (DefaultIntents.HumanHandoff, [
            "can I talk to a human", "I want to speak to a real person", "connect me to an agent",
            "let me talk to customer service", "is there a person I can chat with", "transfer me to a human",
            "I need a live agent", "get me a human please", "speak to someone", "can I call someone",
            "I'd like to talk to a representative", "operator", "you are a bot, I want a person",
            "put me through to support staff", "human please", "talk to an actual human being",
            "escalate this to a manager",
        ]),
        (DefaultIntents.Complaint, [
            "this is unacceptable", "I'm very unhappy with your service", "your product is terrible",
            "I want to file a complaint", "worst experience ever", "I'm really disappointed",
            "the item arrived broken and nobody helps", "I've been waiting for weeks, this is ridiculous",
            "your app keeps crashing and I'm fed up", "the delivery guy was rude", "I am extremely frustrated",
            "this is the third time it failed", "your support is useless", "I'm not happy with the quality",
            "you charged me twice and I'm angry", "I want to complain about my last order",
        ]),
        (DefaultIntents.OrderStatus, [
            "where is my order", "has my order shipped", "track my package", "when will my order arrive",
            "what's the status of order 12345", "my parcel hasn't arrived yet", "is my delivery on the way",
            "can you give me the tracking number", "how long until my stuff gets here", "order status please",
            "did you send my order", "my package is late", "when does my shipment come",
            "check on my order", "where's my delivery", "estimated delivery date for my purchase",
        ]),
        (DefaultIntents.RefundRequest, [
            "I want a refund", "can I get my money back", "how do I return this item", "refund my order",
            "I'd like to return my purchase", "please reimburse me", "I want to send this back",
            "how long does a refund take", "where is my refund", "return policy",
            "I was promised a refund", "can you refund the shipping cost", "cancel and refund my order",
            "the product is defective, I want my money back", "start a return", "money back please",
        ]),
        (DefaultIntents.AccountHelp, [
            "I can't log in", "my account is locked", "how do I change my email address",
            "update my account details", "delete my account", "I need help with my account",
            "how do I create an account", "change my username", "my profile is wrong",
            "how can I update my phone number", "close my account", "sign up",
            "I didn't get the verification email", "how do I change my address on file",
            "two factor authentication isn't working", "can't access my account",
        ]),
        (DefaultIntents.BillingQuestion, [
            "why was I charged twice", "I have a question about my bill", "what is this charge on my card",
            "how do I update my payment method", "can I get an invoice", "when will I be billed",
            "my invoice is wrong", "change my credit card", "how much is my subscription",
            "cancel my subscription", "do you accept paypal", "I was overcharged",
            "send me a receipt", "upgrade my plan", "what payment options do you have", "billing issue",
            "there's a fee I don't recognise on my statement",
        ]),
        (DefaultIntents.OpeningHours, [
            "what are your opening hours", "when are you open", "are you open on sunday",
            "what time do you close today", "are you open on public holidays", "store hours",
            "when does the shop open tomorrow", "what time does support start", "hours of operation",
            "are you open now", "till what time can I call", "is the store open on saturday",
            "what are your business hours", "opening times please", "when do you open in the morning",
        ]),
        (DefaultIntents.ResetPassword, [
            "I forgot my password", "reset my password", "how do I change my password",
            "password reset link not working", "I can't remember my password", "new password please",
            "send me a password reset email", "my password doesn't work", "how to recover my password",
            "change password", "lost my password", "the reset password email never arrived",
            "forgot password", "I need to set a new password", "my password expired",
        ]),
        (IntentModel.OutOfScopeIntent, [
            "what's the weather like tomorrow", "tell me a joke", "who won the football game last night",
            "what is the capital of australia", "how do I bake sourdough bread", "play some music",
            "what's 17 times 23", "recommend a good movie", "how tall is mount everest",
            "translate hello into spanish", "what's the meaning of life", "set an alarm for 7am",
            "who is the president of france", "write me a poem about cats", "how many calories in a banana",
            "book a flight to paris", "what's the best pizza topping", "how do black holes form",
            "remind me to water the plants", "do you like dogs",
        ]),
    ];
}
