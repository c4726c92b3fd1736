"""A whitespace tokenizer that folds spellings first (Latin Kazakh, no Kazakh letters, typos in case).

"жұмыстан шығарды", "жумыстан шыгарды" and "jūmystan şyğardy" all become the same tokens, so the
featurizers and the intent classifier see one vocabulary for every way workers type.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from tendik.lang import fold


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class FoldingTokenizer(WhitespaceTokenizer):
    """Tokenizes the folded text (see ``tendik.lang.fold``)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**WhitespaceTokenizer.get_default_config()}

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        if attribute != TEXT:
            return super().tokenize(message, attribute)
        folded = fold(message.get(attribute) or "")
        tokens: List[Token] = []
        offset = 0
        for word in folded.split():
            start = folded.index(word, offset)
            tokens.append(Token(word, start))
            offset = start + len(word)
        if not tokens:
            tokens.append(Token("__empty__", 0))
        return self._apply_token_pattern(tokens)
