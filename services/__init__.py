"""The domain: plain async code over an AsyncSession; never imports aiogram or bot/."""
