# Fine-tuning in two phases: a frozen encoder first, then the whole network.
set encoder [torch::linear 5 3]
torch::freezeModel -model $encoder
puts "phase 1 trainable: [torch::count_parameters $encoder]"
puts [torch::unfreeze_model $encoder]
puts "phase 2 trainable: [torch::count_parameters $encoder]"
