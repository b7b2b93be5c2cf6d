"""The bare-FastAPI ceiling: a trivial validated POST on the same server stack."""

from fastapi import FastAPI
from pydantic import BaseModel, Field

app = FastAPI()


class Call(BaseModel):
    id: str = Field(min_length=1, max_length=200)
    app: str
    model: str
    latency_s: float = Field(ge=0)
    input_tokens: int = Field(ge=0)
    output_tokens: int = Field(ge=0)


@app.post("/api/v1/inferences")
async def post(call: Call) -> dict[str, int | list[str]]:
    return {"accepted": 1, "duplicates": 0, "conflicts": []}
